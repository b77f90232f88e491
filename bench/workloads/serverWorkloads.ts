import type { BenchConfig } from '../config'
import type { RtkOffline } from '../lib/loadRtkOffline'
import type { BenchDatabase } from '../server/referenceServerApi'
import { startSyncServer } from '../server/startSyncServer'
import { runServerDrain, type ServerDrainResult } from './serverDrain'
import { runServerPull, type ServerPullResult } from './serverPull'
import { runServerThroughput, type ServerThroughputResult } from './serverThroughput'

export type ServerWorkload = 'server-drain' | 'server-throughput' | 'server-pull'

export interface ServerResults {
  drain: ServerDrainResult[]
  throughput: ServerThroughputResult[]
  pull: ServerPullResult[]
}

/**
 * Issue 11's server workloads, on PGlite (in memory, in the server's process) and, when
 * BENCH_DATABASE_URL is set, on that PostgreSQL: one server child process per database, its tables
 * emptied between runs.
 */
export async function runServerWorkloads(
  lib: RtkOffline,
  config: BenchConfig,
  only: readonly ServerWorkload[],
  log: (message: string) => void,
): Promise<ServerResults> {
  const results: ServerResults = { drain: [], throughput: [], pull: [] }
  const databases: { name: string; database: BenchDatabase }[] = [{ name: 'PGlite', database: { kind: 'pglite' } }]
  if (config.server.databaseUrl) databases.push({ name: 'PostgreSQL', database: { kind: 'postgres', url: config.server.databaseUrl } })
  else log('server workloads: PGlite only (set BENCH_DATABASE_URL=postgres://… to run them on PostgreSQL too)')
  for (const { name, database } of databases) {
    const server = await startSyncServer({ database, latencyMs: config.latencyMs })
    try {
      if (only.includes('server-drain')) results.drain.push(await runServerDrain(lib, server, name, config.server.drain, log))
      if (only.includes('server-throughput')) results.throughput.push(await runServerThroughput(lib, server, name, config.server.throughput, log))
      if (only.includes('server-pull')) results.pull.push(await runServerPull(lib, server, name, config.server.pull, log))
    } finally {
      await server.close()
    }
  }
  return results
}
