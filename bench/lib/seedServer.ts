import type { RtkOffline } from './loadRtkOffline'
import type { BenchRecord } from './records'
import { BENCH_USER, createOperation, protocolAdapter } from '../server/referenceServerApi'
import type { SyncBenchServer } from '../server/startSyncServer'

/**
 * How a workload fills the server before its clock starts: `push`, through the batch push (500
 * operations a request) as a client would; `sql`, written straight into the server's tables (the same
 * rows, version 1; many times faster, for the large sizes: 100,000 creates through pushes take many
 * minutes on PGlite).
 */
export type SeedMode = 'push' | 'sql'

/**
 * Creates `records` (version 1) in the bench user's scope, then refreshes the planner's statistics (as
 * autovacuum would on a PostgreSQL that has been running; PGlite never does); throws unless every
 * record was applied.
 */
export async function seedServer(lib: RtkOffline, server: SyncBenchServer, records: readonly BenchRecord[], mode: SeedMode, label: string): Promise<void> {
  if (mode === 'sql') await server.seed(BENCH_USER, records)
  else await pushRecords(lib, server, records, label)
  await server.analyze()
}

async function pushRecords(lib: RtkOffline, server: SyncBenchServer, records: readonly BenchRecord[], label: string): Promise<void> {
  const adapter = protocolAdapter(lib, { baseUrl: server.url, batchSize: 500 })
  const signal = new AbortController().signal
  for (let start = 0; start < records.length; start += 5000) {
    // The server stamps the version (1 on create) itself.
    const operations = records.slice(start, start + 5000).map((record) => {
      const data: Record<string, unknown> = { ...record }
      delete data.version
      return createOperation(record.id, data, `seed-${label}-${record.id}`)
    })
    const outcomes = await adapter.push(operations, { signal })
    const bad = outcomes.find((outcome) => outcome.type !== 'ok')
    if (bad || outcomes.length !== operations.length) throw new Error(`bench: seeding the sync server failed: ${JSON.stringify(bad ?? outcomes.length)}`)
  }
}
