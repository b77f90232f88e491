/**
 * Built on Hono: its handlers take a web-standard `Request` and return a `Response`, so the server is a
 * plain `fetch(request)` function that tests call without a port (and that runs on any runtime), it is
 * small and well kept, and `@hono/node-server` serves it on Node (see serve.ts).
 */
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { SyncSetupError } from '../core/errors'
import type { Caller, ServerConfig, ServerEnv } from './context'
import { SyncServerError, toServerError } from './errors'
import { eventsRoute } from './eventsRoute'
import { errorResponse } from './http'
import { migrate } from './migrations'
import { createPokeHub } from './pokes'
import { pullRoute } from './pullRoute'
import { pushRoute } from './pushRoute'
import { buildRestRoutes } from './restRoutes'
import type { SyncServer, SyncServerOptions } from './types'

/**
 * Creates the reference sync server over a database: it brings the schema up to date (versioned
 * migrations, safe when several instances start at once), starts listening for other instances'
 * changes, and resolves to a web-standard handler. Serve it with {@link serveSyncServer}, or call
 * `server.fetch(request)` directly.
 *
 * Routes: `POST /sync/push`, `POST /sync/pull`, `GET /sync/events` (docs/sync-protocol.md), and the
 * REST conventions of `createRestAdapter` (`POST /:collection`, `GET|PATCH|DELETE /:collection/:id`,
 * `GET /:collection?since=`). `sync` is therefore not a collection name.
 *
 * @example
 * const db = await createPgliteDriver({ dataDir: './data' })
 * const server = await createSyncServer({
 *   db,
 *   collections: { todos: {} },
 *   authenticate: async (request) => verify(request.headers.get('Authorization')),
 * })
 * serveSyncServer(server, { port: 8787 })
 */
export async function createSyncServer(options: SyncServerOptions): Promise<SyncServer> {
  const config = resolveConfig(options)
  await migrate(config.db)
  await config.pokes.start()
  const streams = new Set<() => void>()
  const app = buildApp(config, options.authenticate, streams)
  return {
    fetch: async (request) => app.fetch(request),
    async close() {
      for (const end of [...streams]) end()
      await config.pokes.stop()
    },
  }
}

function buildApp(config: ServerConfig, authenticate: SyncServerOptions['authenticate'], streams: Set<() => void>): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>()
  app.onError((error) => {
    const answer = toServerError(error)
    if (answer.status >= 500) config.onError(error)
    return errorResponse(answer)
  })
  app.notFound(() => errorResponse(new SyncServerError(404, 'not-found', 'No such route on this sync server.')))

  app.use('*', async (c, next) => {
    const identity = await authenticate(c.req.raw)
    if (!identity) return errorResponse(new SyncServerError(401, 'unauthorized', 'Sign in: this request has no valid credentials.'))
    const scope = identity.scope ?? identity.userId
    if (typeof identity.userId !== 'string' || identity.userId === '' || typeof scope !== 'string' || scope === '')
      throw new SyncSetupError('`authenticate` must return { userId, scope? } with non-empty strings, or null.')
    const caller: Caller = { userId: identity.userId, scope }
    c.set('caller', caller)
    await next()
  })
  app.use(
    '*',
    bodyLimit({
      maxSize: config.bodyLimitBytes,
      onError: () =>
        errorResponse(
          new SyncServerError(413, 'body-too-large', `The body is over this server's limit of ${config.bodyLimitBytes} bytes: send smaller batches.`),
        ),
    }),
  )

  const rest = buildRestRoutes(config)
  app.post('/sync/push', (c) => pushRoute(config, c))
  app.post('/sync/pull', (c) => pullRoute(config, c))
  app.get('/sync/events', (c) => eventsRoute(config, c, streams))
  app.get('/:collection', rest.pull)
  app.post('/:collection', rest.create)
  app.get('/:collection/:id', rest.read)
  app.patch('/:collection/:id', rest.update)
  app.delete('/:collection/:id', rest.remove)
  return app
}

function resolveConfig(options: SyncServerOptions): ServerConfig {
  const { db, authenticate, collections, versionField = 'version', updatedAtField = 'updatedAt' } = options ?? ({} as SyncServerOptions)
  if (!db || typeof db.query !== 'function' || typeof db.transaction !== 'function')
    throw new SyncSetupError('createSyncServer needs a `db` driver: `await createPgliteDriver()` or `await createPgDriver({ connectionString })`.')
  if (typeof authenticate !== 'function')
    throw new SyncSetupError('createSyncServer needs `authenticate(request)`, returning { userId, scope? } or null (401).')
  if (collections !== undefined && (typeof collections !== 'object' || collections === null || Object.hasOwn(collections, 'sync')))
    throw new SyncSetupError('createSyncServer\'s `collections` must be an object of name → settings, e.g. { todos: {} }; "sync" is taken by the protocol\'s routes.')
  for (const [name, settings] of Object.entries(collections ?? {}))
    if (settings?.assignIds !== undefined && typeof settings.assignIds !== 'boolean')
      throw new SyncSetupError(`createSyncServer's collections.${name}.assignIds must be true (the server gives created records their ids) or false; got ${JSON.stringify(settings.assignIds)}.`)
  if (typeof versionField !== 'string' || versionField === '' || versionField === 'id')
    throw new SyncSetupError("createSyncServer's `versionField` must name a field other than id, e.g. 'version' (the default).")
  if (updatedAtField !== null && (typeof updatedAtField !== 'string' || updatedAtField === '' || updatedAtField === 'id' || updatedAtField === versionField))
    throw new SyncSetupError("createSyncServer's `updatedAtField` must name another field than id and the version, or be null.")
  const onError = options.onError ?? (() => {})
  return {
    db,
    collections,
    bodyLimitBytes: positiveInteger('bodyLimitBytes', options.bodyLimitBytes, 1_048_576),
    maxBatch: positiveInteger('maxBatch', options.maxBatch, 500),
    pageSize: positiveInteger('pageSize', options.pageSize, 500),
    keepAliveMs: positiveInteger('keepAliveMs', options.keepAliveMs, 25_000),
    versionField,
    updatedAtField,
    now: options.now ?? (() => Date.now()),
    timers: options.timers ?? {
      setInterval: (callback, ms) => setInterval(callback, ms),
      clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
    },
    onError,
    pokes: createPokeHub(db, onError),
  }
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback
  if (!Number.isInteger(value) || value < 1) throw new SyncSetupError(`createSyncServer's \`${name}\` must be an integer ≥ 1; leave it out for ${fallback}.`)
  return value
}
