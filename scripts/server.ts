/**
 * `npm run server`: the reference sync server on this machine, for development and demos.
 *
 * - Database: PostgreSQL when DATABASE_URL is set, else PGlite in RTK_OFFLINE_DATA_DIR (default
 *   ./.rtk-offline-data, so a restart keeps the data).
 * - PORT (default 8787), HOST (default 127.0.0.1), RTK_OFFLINE_COLLECTIONS (comma-separated; default any).
 * - Auth for development only: `Authorization: Bearer <userId>` is that user (`<userId>@<scope>` shares
 *   a scope). Anyone can claim any user: put a real `authenticate` in front of it before it faces the
 *   internet (docs/server.md).
 */
import { createPgDriver, createPgliteDriver, createSyncServer, serveSyncServer, type SqlDriver } from '../src/server'

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL
  const dataDir = process.env.RTK_OFFLINE_DATA_DIR ?? './.rtk-offline-data'
  const db: SqlDriver = url ? await createPgDriver({ connectionString: url }) : await createPgliteDriver({ dataDir })
  const collections = process.env.RTK_OFFLINE_COLLECTIONS?.split(',')
    .map((name) => name.trim())
    .filter(Boolean)
  const server = await createSyncServer({
    db,
    ...(collections?.length ? { collections: Object.fromEntries(collections.map((name) => [name, {}])) } : {}),
    authenticate: (request) => {
      const token = request.headers.get('Authorization')?.match(/^Bearer (.+)$/)?.[1]
      if (!token) return null
      const [userId, scope] = token.split('@')
      return userId ? { userId, ...(scope ? { scope } : {}) } : null
    },
    onError: (error) => console.error('sync server:', error),
  })
  const listening = await serveSyncServer(server, { port: Number(process.env.PORT ?? 8787), hostname: process.env.HOST ?? '127.0.0.1' })
  console.log(`rtk-offline sync server on http://${process.env.HOST ?? '127.0.0.1'}:${listening.port} (${url ? 'PostgreSQL' : `PGlite in ${dataDir}`})`)
  const stop = async () => {
    await listening.close()
    await db.close()
    process.exit(0)
  }
  process.once('SIGINT', () => void stop())
  process.once('SIGTERM', () => void stop())
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
