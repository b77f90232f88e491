/**
 * One instance of the reference sync server in its own process, for the two-instance test
 * (twoInstances.test.ts): its own pg Pool on the shared PostgreSQL database, served on 127.0.0.1.
 * Run with `node --import tsx test/server-scale/serverInstance.ts`; configured by the environment:
 * - RTK_OFFLINE_TEST_DATABASE_URL: the database (required);
 * - RTK_OFFLINE_SCALE_SCHEMA: the schema the test works in (its search_path);
 * - RTK_OFFLINE_SCALE_PORT: the port (0, the default, picks a free one).
 * Prints one line `{"port":N}` once it listens; on SIGTERM it closes the server and its pool and exits.
 */
import { createPgDriver, createSyncServer, serveSyncServer, type SyncIdentity } from '../../src/server'

const url = process.env.RTK_OFFLINE_TEST_DATABASE_URL
const schema = process.env.RTK_OFFLINE_SCALE_SCHEMA ?? 'public'
const port = Number(process.env.RTK_OFFLINE_SCALE_PORT ?? 0)
if (!url) {
  process.stderr.write('serverInstance: set RTK_OFFLINE_TEST_DATABASE_URL\n')
  process.exit(2)
}

/** `Bearer alice@team` is user alice in scope team; `Bearer alice` is user alice in scope alice. */
function authenticate(request: Request): SyncIdentity | null {
  const token = request.headers.get('Authorization')?.match(/^Bearer (.+)$/)?.[1]
  if (!token) return null
  const [userId, scope] = token.split('@')
  return scope ? { userId: userId!, scope } : { userId: userId! }
}

const db = await createPgDriver({ connectionString: url, poolConfig: { max: 8, options: `-c search_path=${schema}` } })
const server = await createSyncServer({
  db,
  authenticate,
  collections: { items: {}, shared: {} },
  onError: (error) => process.stderr.write(`serverInstance ${process.pid}: ${String((error as Error)?.stack ?? error)}\n`),
})
const listening = await serveSyncServer(server, { port, hostname: '127.0.0.1' })
process.stdout.write(`${JSON.stringify({ port: listening.port })}\n`)

process.on('SIGTERM', () => {
  // Event streams may hold the port open: give the close a moment, then go regardless.
  setTimeout(() => process.exit(0), 1000).unref()
  void listening
    .close()
    .then(() => db.close())
    .finally(() => process.exit(0))
})
