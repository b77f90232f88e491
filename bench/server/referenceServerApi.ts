/**
 * Every call the server benchmarks make into rtk-offline's reference server (`rtk-offline/server`) and
 * into its sync-protocol adapter, in one place, so a change to those APIs is adapted here alone.
 *
 * The server side (opening the database, serving, resetting, reading the records back) runs in the
 * benchmark's child process (syncServerChild.ts); the client side (the adapter) in the benchmark process.
 * Both load rtk-offline from dist/ (what users install), as the other workloads do.
 */
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { OutgoingOperation, SyncAdapter } from 'rtk-offline'
import type * as ServerModule from 'rtk-offline/server'
import { distEntry, type RtkOffline } from '../lib/loadRtkOffline'

/** Which database the server runs on: PGlite in memory (in the server's process), or a PostgreSQL URL. */
export type BenchDatabase = { kind: 'pglite' } | { kind: 'postgres'; url: string }

/** The one user (and scope) every request of the drain and pull workloads is authenticated as. */
export const BENCH_USER = 'bench'
/** The header that names another user (one scope per client in the throughput workload); without it, {@link BENCH_USER}. */
export const USER_HEADER = 'x-bench-user'

/** A database the server runs on, and the few things the benchmark does to it directly. */
export interface OpenDatabase {
  readonly driver: ServerModule.SqlDriver
  /** Empties every table the server keeps (records, change feed, idempotency, clients). */
  reset(): Promise<void>
  /**
   * Writes `records` (each with its `version`) straight into the server's tables of `scope`, as if each
   * had been created by one push: each record takes the next sequence of the scope's change feed. Only
   * for setting up large workloads fast (through pushes, 100,000 records take many minutes on PGlite);
   * coupled to the server's schema (src/server/migrations.ts, changeFeed.ts).
   */
  seed(scope: string, collection: string, records: readonly Record<string, unknown>[]): Promise<void>
  /**
   * Refreshes the planner's statistics (`ANALYZE`). PGlite never does it by itself (no autovacuum) and a
   * fresh PostgreSQL only after enough writes; without it the planner may look records up through the
   * change-feed index and scan the whole scope (see BENCHMARKS.md, issue 11).
   */
  analyze(): Promise<void>
  /** The number of live records of a collection, and the sum of their `n` fields (the workloads' digest). */
  digest(collection: string): Promise<{ records: number; sumN: number }>
  close(): Promise<void>
}

async function loadServerModule(): Promise<typeof ServerModule> {
  return (await import(pathToFileURL(resolve(distEntry, '../server/index.js')).href)) as typeof ServerModule
}

export async function openDatabase(database: BenchDatabase): Promise<OpenDatabase> {
  const server = await loadServerModule()
  const driver =
    database.kind === 'pglite'
      ? await server.createPgliteDriver()
      : await server.createPgDriver({ connectionString: database.url })
  return {
    driver,
    reset: () => server.resetSyncTables(driver),
    async seed(scope, collection, records) {
      for (let start = 0; start < records.length; start += 5000) {
        const chunk = records.slice(start, start + 5000)
        await driver.transaction(async (tx) => {
          // Takes len(chunk) sequences of the scope at once (the row stays locked until commit, as a push's would).
          const { rows } = await tx.query<{ seq: string }>(
            `INSERT INTO rtk_offline_scopes AS s (scope, seq) VALUES ($1, $2::bigint)
             ON CONFLICT (scope) DO UPDATE SET seq = s.seq + $2::bigint RETURNING (seq - $2::bigint)::text AS seq`,
            [scope, chunk.length],
          )
          await tx.query(
            `INSERT INTO rtk_offline_records (scope, collection, id, id_value, data, version, seq, born_seq)
             SELECT $1, $2, r->>'id', r->'id', r, (r->>'version')::integer, $3::bigint + ord, $3::bigint + ord
               FROM jsonb_array_elements($4::jsonb) WITH ORDINALITY AS t(r, ord)`,
            [scope, collection, rows[0]!.seq, chunk],
          )
        })
      }
    },
    analyze: async () => void (await driver.query('ANALYZE')),
    async digest(collection) {
      // The server's own table (src/server/migrations.ts); read only to check what the clients sent arrived.
      const { rows } = await driver.query<{ records: string | number; sum_n: string | number | null }>(
        `SELECT count(*) AS records, sum((data->>'n')::bigint) AS sum_n FROM rtk_offline_records WHERE collection = $1 AND data IS NOT NULL`,
        [collection],
      )
      return { records: Number(rows[0]?.records ?? 0), sumN: Number(rows[0]?.sum_n ?? 0) }
    },
    close: () => driver.close(),
  }
}

/**
 * Serves the reference server over `db` on 127.0.0.1 and a free port. Each request is authenticated as
 * the user its {@link USER_HEADER} names (its own scope), or as {@link BENCH_USER}; `wrap` sees every
 * request and answer (the child counts them and adds the latency there).
 */
export async function serveReferenceServer(
  db: OpenDatabase,
  wrap: (fetch: (request: Request) => Promise<Response>) => (request: Request) => Promise<Response>,
): Promise<{ port: number; close(): Promise<void> }> {
  const server = await loadServerModule()
  const sync = await server.createSyncServer({
    db: db.driver,
    collections: { todos: {} },
    authenticate: (request) => ({ userId: request.headers.get(USER_HEADER) ?? BENCH_USER }),
    // Fits a push of the largest batch the workloads send (500 operations of about 150 bytes).
    bodyLimitBytes: 4 * 1024 * 1024,
  })
  const fetch = wrap((request) => sync.fetch(request))
  return server.serveSyncServer({ fetch, close: () => sync.close() }, { port: 0, hostname: '127.0.0.1' })
}

/** The batch adapter (`createSyncProtocolAdapter`) against the server at `baseUrl`, as `user` when given. */
export function protocolAdapter(lib: RtkOffline, options: { baseUrl: string; batchSize: number; user?: string }): SyncAdapter {
  return lib.createSyncProtocolAdapter({
    baseUrl: options.baseUrl,
    batchSize: options.batchSize,
    ...(options.user ? { headers: { [USER_HEADER]: options.user } } : {}),
  })
}

/** The REST adapter against the server's REST routes (one request per operation). */
export function restAdapter(lib: RtkOffline, baseUrl: string): SyncAdapter {
  return lib.createRestAdapter({ baseUrl })
}

/** A create operation as the engine hands it to an adapter (for seeding and the throughput clients). */
export function createOperation(id: string, record: Record<string, unknown>, opId: string): OutgoingOperation {
  return { id: opId, entity: 'todos', recordId: id, kind: 'create', data: record, baseVersion: null, attempts: 0, enqueuedAt: 0, userId: null }
}
