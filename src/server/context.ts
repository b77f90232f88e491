import type { PokeHub } from './pokes'
import type { CollectionOptions, ServerTimers, SqlDriver } from './types'

/** The server's options with every default filled in, as the routes need them. */
export interface ServerConfig {
  db: SqlDriver
  collections: Record<string, CollectionOptions> | undefined
  bodyLimitBytes: number
  maxBatch: number
  pageSize: number
  versionField: string
  updatedAtField: string | null
  now: () => number
  keepAliveMs: number
  timers: ServerTimers
  onError: (error: unknown) => void
  pokes: PokeHub
}

/** Who the request is from, once `authenticate` has said. */
export interface Caller {
  userId: string
  scope: string
}

/** The Hono environment of the server's routes: the caller is set by the auth middleware. */
export interface ServerEnv {
  Variables: { caller: Caller }
}
