/**
 * One database and one sync server per test file, tables emptied before each test, requests sent to
 * `server.fetch` directly (no port). The database is PGlite in memory, or a real PostgreSQL when
 * RTK_OFFLINE_TEST_DATABASE_URL is set (`npm run test:server:pg`): each file then works in its own
 * schema, so files may run side by side on one database.
 */
import { afterAll, beforeAll, beforeEach } from 'vitest'
import {
  createPgDriver,
  createPgliteDriver,
  createSyncServer,
  resetSyncTables,
  type SqlDriver,
  type SyncServer,
  type SyncServerOptions,
} from '../../../src/server'

export const PG_URL = process.env.RTK_OFFLINE_TEST_DATABASE_URL || undefined
export const onPostgres = PG_URL !== undefined
export const baseUrl = 'http://sync.test'

/** `Bearer alice` is user alice in scope alice; `Bearer alice@team` is user alice in scope team. */
export async function bearerAuth(request: Request) {
  const token = request.headers.get('Authorization')?.match(/^Bearer (.+)$/)?.[1]
  if (!token) return null
  const [userId, scope] = token.split('@')
  return scope ? { userId: userId!, scope } : { userId: userId! }
}

/** Opens a driver for a test file: PGlite in memory, or PostgreSQL in a schema named after the file. */
export async function openTestDriver(name: string): Promise<SqlDriver> {
  if (!PG_URL) return createPgliteDriver()
  const setup = await createPgDriver({ connectionString: PG_URL })
  await setup.query(`DROP SCHEMA IF EXISTS ${schemaOf(name)} CASCADE`)
  await setup.query(`CREATE SCHEMA ${schemaOf(name)}`)
  await setup.close()
  return openSecondDriver(name)
}

/**
 * On PostgreSQL, another driver (its own pool, as a second server process has) on the file's schema,
 * which it leaves as it is. PGlite lives in one process: there is no second driver of it.
 */
export async function openSecondDriver(name: string, applicationName?: string): Promise<SqlDriver> {
  if (!PG_URL) throw new Error('openSecondDriver needs PostgreSQL')
  // application_name lets a test find its own sessions in pg_stat_activity while other files run.
  return createPgDriver({ connectionString: PG_URL, poolConfig: { options: `-c search_path=${schemaOf(name)}`, application_name: applicationName } })
}

const schemaOf = (name: string) => `rtk_test_${name.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}`

export interface TestServer {
  db: SqlDriver
  server: SyncServer
  /** Sends a request with `token`'s credentials and returns the response. */
  request(method: string, path: string, init?: { token?: string | null; body?: unknown; headers?: Record<string, string> }): Promise<Response>
  /** Sends a request and reads its JSON body. */
  // Test bodies are read loosely, as a client reading JSON does; each test checks the fields it needs.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json<T = any>(method: string, path: string, init?: { token?: string | null; body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; body: T; headers: Headers }>
  /** Counts rows of a server table. */
  count(table: 'records' | 'idempotency' | 'clients' | 'scopes'): Promise<number>
}

/** Sets up the file's database and server; `options` are passed to createSyncServer. */
export function useTestServer(name: string, options: Partial<SyncServerOptions> = {}): TestServer {
  const handle = {} as TestServer
  beforeAll(async () => {
    handle.db = await openTestDriver(name)
    handle.server = await createSyncServer({ db: handle.db, authenticate: bearerAuth, ...options })
  }, 60_000)
  beforeEach(async () => {
    await resetSyncTables(handle.db)
  })
  afterAll(async () => {
    await handle.server?.close()
    await handle.db?.close()
  })
  handle.request = (method, path, init = {}) => {
    const headers: Record<string, string> = { ...init.headers }
    const token = init.token === undefined ? 'alice' : init.token
    if (token !== null) headers.Authorization = `Bearer ${token}`
    let body: string | undefined
    if (init.body !== undefined) {
      body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body)
      headers['Content-Type'] ??= 'application/json'
    }
    return handle.server.fetch(new Request(`${baseUrl}${path}`, { method, headers, body }))
  }
  handle.json = async (method, path, init) => {
    const response = await handle.request(method, path, init)
    const text = await response.text()
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text), headers: response.headers }
  }
  handle.count = async (table) => {
    const { rows } = await handle.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM rtk_offline_${table}`)
    return Number(rows[0]!.n)
  }
  return handle
}

/** An operation of a batch push. */
export function op(
  id: string,
  kind: 'create' | 'update' | 'delete',
  recordId: string | number,
  data: Record<string, unknown> | null = null,
  baseVersion: number | null = null,
  collection = 'todos',
) {
  return { id, collection, recordId, kind, data, baseVersion }
}
