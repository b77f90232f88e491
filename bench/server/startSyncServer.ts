import { forkServer } from './forkServer'
import type { BenchDatabase } from './referenceServerApi'
import type { SyncControlMessage, SyncServerStats } from './syncServerChild'

export interface SyncBenchServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  readonly database: BenchDatabase
  /** Empties the server's tables and its request counters. */
  reset(): Promise<void>
  /** Writes `todos` records of `scope` straight into the server's tables (fast set-up; see referenceServerApi.ts). */
  seed(scope: string, records: readonly Record<string, unknown>[]): Promise<void>
  /** Refreshes the database's planner statistics (`ANALYZE`), as autovacuum would in a running PostgreSQL. */
  analyze(): Promise<void>
  stats(): Promise<SyncServerStats>
  close(): Promise<void>
}

/**
 * Forks the reference server (bench/server/syncServerChild.ts) on `database` and resolves once it
 * listens. The child closes its database and exits when this process goes away.
 */
export async function startSyncServer(options: { database: BenchDatabase; latencyMs: number }): Promise<SyncBenchServer> {
  const env: NodeJS.ProcessEnv = { ...process.env, BENCH_LATENCY_MS: String(options.latencyMs) }
  if (options.database.kind === 'postgres') env.BENCH_DB = options.database.url
  else delete env.BENCH_DB
  const server = await forkServer<SyncControlMessage>({
    file: new URL('./syncServerChild.ts', import.meta.url),
    env,
    name: 'sync server',
    startTimeoutMs: 60_000,
  })
  const call = server.call

  return {
    url: `http://127.0.0.1:${server.port}`,
    database: options.database,
    reset: async () => void (await call({ type: 'reset' })),
    seed: async (scope, records) => void (await call({ type: 'seed', scope, records: records as Record<string, unknown>[] })),
    analyze: async () => void (await call({ type: 'analyze' })),
    stats: async () => (await call({ type: 'stats' })).stats as SyncServerStats,
    // Graceful: disconnecting lets the child close its database (a PostgreSQL pool) before it exits.
    close: () => server.close({ graceful: true }),
  }
}
