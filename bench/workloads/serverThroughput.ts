import type { RtkOffline } from '../lib/loadRtkOffline'
import { median } from '../lib/stats'
import { createOperation, protocolAdapter } from '../server/referenceServerApi'
import type { SyncBenchServer } from '../server/startSyncServer'

/**
 * Issue 11, server throughput: `clients` clients at once, each its own `createSyncProtocolAdapter`
 * (its own clientId) pushing creates of new records in batches of `batchSize`, one request after the
 * other, until `operations` operations (split evenly) are applied; operations applied per second of
 * wall time. The clients live in this process, the server in its child process (loopback, 1 ms added
 * per answer). `scopes`: each client its own user and scope (writers of different scopes do not wait
 * for each other), or all of them one user's scope (writers of one scope take turns: the change feed's
 * lock, see src/server/changeFeed.ts).
 */
export interface ServerThroughputOptions {
  clients: readonly number[]
  operations: number
  batchSize: number
  rounds: number
  scopes: readonly ('per client' | 'shared')[]
}

export interface ServerThroughputRow {
  clients: number
  scopes: 'per client' | 'shared'
  samples: number[]
  /** Median operations applied per second. */
  opsPerSecond: number
  requests: number
  /** Operations sent again after a `retry` answer (a connection the server dropped), over the rounds. */
  retried: number
}

export interface ServerThroughputResult {
  database: string
  options: ServerThroughputOptions
  rows: ServerThroughputRow[]
}

async function measure(lib: RtkOffline, server: SyncBenchServer, clients: number, scopes: 'per client' | 'shared', options: ServerThroughputOptions, label: string) {
  await server.reset()
  await server.analyze()
  const perClient = Math.ceil(options.operations / clients)
  const signal = new AbortController().signal
  const workers = Array.from({ length: clients }, (_, client) => {
    const adapter = protocolAdapter(lib, { baseUrl: server.url, batchSize: options.batchSize, user: scopes === 'shared' ? 'bench' : `bench-${client}` })
    const batches: ReturnType<typeof createOperation>[][] = []
    for (let start = 0; start < perClient; start += options.batchSize) {
      const batch: ReturnType<typeof createOperation>[] = []
      for (let index = start; index < Math.min(perClient, start + options.batchSize); index++) {
        const id = `c${client}-${index}`
        batch.push(createOperation(id, { id, title: `client ${client} record ${index}`, done: false, n: 1 }, `${label}-${id}`))
      }
      batches.push(batch)
    }
    return { adapter, batches }
  })
  let retried = 0
  const start = performance.now()
  await Promise.all(
    workers.map(async ({ adapter, batches }) => {
      for (const batch of batches) {
        // As the engine would: operations answered `retry` (a dropped connection) go again under the same
        // ids, which the server answers exactly once; at most 5 tries.
        let waiting = batch
        for (let attempt = 1; waiting.length > 0; attempt++) {
          const outcomes = await adapter.push(waiting, { signal })
          const bad = outcomes.find((outcome) => outcome.type !== 'ok' && outcome.type !== 'retry')
          if (bad || outcomes.length !== waiting.length || attempt > 5)
            throw new Error(`server-throughput: a push was not applied: ${JSON.stringify(bad ?? outcomes.find((outcome) => outcome.type !== 'ok') ?? outcomes.length)}`)
          const again = waiting.filter((_, index) => outcomes[index]!.type === 'retry')
          retried += again.length
          waiting = again
        }
      }
    }),
  )
  const ms = performance.now() - start
  const stats = await server.stats()
  const applied = perClient * clients
  if (stats.todos.records !== applied || stats.todos.sumN !== applied)
    throw new Error(`server-throughput: the server holds ${stats.todos.records} records, expected ${applied}`)
  return { opsPerSecond: applied / (ms / 1000), requests: stats.requests, retried }
}

export async function runServerThroughput(
  lib: RtkOffline,
  server: SyncBenchServer,
  database: string,
  options: ServerThroughputOptions,
  log: (message: string) => void,
): Promise<ServerThroughputResult> {
  // Warm-up, not kept: the server's and the database's first requests compile and fill caches.
  await measure(lib, server, 1, 'shared', { ...options, operations: Math.min(options.operations, 1000) }, 'warm')
  const rows: ServerThroughputRow[] = []
  for (const scopes of options.scopes)
    for (const clients of options.clients) {
      const samples: number[] = []
      let requests = 0
      let retried = 0
      for (let round = 0; round < options.rounds; round++) {
        log(`server-throughput on ${database}: ${clients} clients, scope ${scopes}, round ${round + 1}/${options.rounds}`)
        const sample = await measure(lib, server, clients, scopes, options, `t${round}`)
        samples.push(sample.opsPerSecond)
        requests = sample.requests
        retried += sample.retried
      }
      rows.push({ clients, scopes, samples, opsPerSecond: median(samples), requests, retried })
    }
  return { database, options, rows }
}
