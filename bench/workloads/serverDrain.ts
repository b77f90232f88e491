import { createReduxOfflineStore } from '../contestants/reduxOfflineStore'
import { createRtkOfflineStore } from '../contestants/rtkOfflineStore'
import type { RtkOffline } from '../lib/loadRtkOffline'
import { expectedDigest, makeRecords, updateAt } from '../lib/records'
import { seedServer, type SeedMode } from '../lib/seedServer'
import { median } from '../lib/stats'
import { collectGarbage, nextMacrotask, waitUntil } from '../lib/tick'
import { protocolAdapter, restAdapter } from '../server/referenceServerApi'
import type { SyncBenchServer } from '../server/startSyncServer'

/**
 * Issue 11, server drain: `records` records on the reference server (version 1, created through its
 * batch push) and in the client as confirmed state; offline, the client makes one update on each of the
 * first `operations` records (no coalescing can help); then it goes online and the clock runs until its
 * last operation is confirmed (the records are made before, outside the timing: see SeedMode). The server runs in a child process over PGlite or PostgreSQL, answering
 * each request 1 ms late. Afterwards the server's records must hold every change.
 *
 * Contestants one request per operation are slow (minutes at 10,000), so they may drain `slowOperations`
 * (fewer) of them; their time at `operations` is then extrapolated per operation, and the report says so.
 */
export interface ServerDrainOptions {
  operations: number
  records: number
  /** Operations the one-request-per-operation contestants drain (≤ operations). */
  slowOperations: number
  rounds: number
  timeoutMs: number
  /** How the server's records are made before each run (outside the timing). */
  seed: SeedMode
}

export interface ServerDrainRow {
  name: string
  note: string
  /** Operations this contestant drained in each round. */
  operations: number
  samples: { ms: number; requests: number }[]
  medianMs: number
  medianRequests: number
  /** The median time per operation drained. */
  msPerOperation: number
}

export interface ServerDrainResult {
  database: string
  options: ServerDrainOptions
  rows: ServerDrainRow[]
}

interface Contestant {
  name: string
  note: string
  slow: boolean
  run(context: Context): Promise<{ ms: number }>
}

interface Context {
  lib: RtkOffline
  server: SyncBenchServer
  operations: number
  options: ServerDrainOptions
}

const updatesFor = (records: number, operations: number) => Array.from({ length: operations }, (_, index) => updateAt('r', records, index))

async function rtkOfflineDrain({ lib, server, operations, options }: Context, adapter: 'protocol' | 'rest', batchSize: number): Promise<{ ms: number }> {
  const client = createRtkOfflineStore({
    lib,
    mode: 'production',
    adapter: adapter === 'protocol' ? protocolAdapter(lib, { baseUrl: server.url, batchSize }) : restAdapter(lib, server.url),
    todos: makeRecords('r', options.records),
    online: false,
    coalesce: false,
    batchSize,
  })
  try {
    const updates = updatesFor(options.records, operations)
    for (let start = 0; start < updates.length; start += 1000) client.updateMany(updates.slice(start, start + 1000))
    if (client.pending() !== operations) throw new Error(`server-drain: rtk-offline holds ${client.pending()} operations, expected ${operations}`)
    await nextMacrotask()
    collectGarbage()
    const start = performance.now()
    client.network.setOnline(true)
    const drained = await waitUntil(client.store.subscribe, client.isDrained, options.timeoutMs)
    const ms = performance.now() - start
    if (client.errors.length > 0) throw new Error(`server-drain: rtk-offline reported an error: ${String(client.errors[0])}`)
    if (!drained) throw new Error(`server-drain: rtk-offline did not drain within ${options.timeoutMs} ms (${client.pending()} left)`)
    return { ms }
  } finally {
    client.stop()
  }
}

async function reduxOfflineDrain({ server, operations, options }: Context): Promise<{ ms: number }> {
  const client = createReduxOfflineStore({
    mode: 'production',
    baseUrl: server.url,
    todos: makeRecords('r', options.records),
    madeOffline: updatesFor(options.records, operations),
  })
  await client.ready
  await nextMacrotask()
  collectGarbage()
  const start = performance.now()
  client.setOnline(true)
  const drained = await waitUntil(client.store.subscribe, client.isDrained, options.timeoutMs)
  const ms = performance.now() - start
  if (!drained) {
    client.setOnline(false)
    throw new Error(`server-drain: redux-offline did not drain within ${options.timeoutMs} ms (${client.pending()} left)`)
  }
  if (client.rolledBack() > 0) throw new Error(`server-drain: redux-offline dropped ${client.rolledBack()} operations`)
  return { ms }
}

export const SERVER_DRAIN_CONTESTANTS: Contestant[] = [
  {
    name: 'rtk-offline + sync protocol, batch 500',
    note: '`createSyncProtocolAdapter({ batchSize: 500 })`, `createOfflineSync({ coalesce: false, batchSize: 500 })`: 500 operations per `POST /sync/push` (the server\'s maxBatch)',
    slow: false,
    run: (context) => rtkOfflineDrain(context, 'protocol', 500),
  },
  {
    name: 'rtk-offline + sync protocol, batch 100',
    note: "the adapter's default batchSize (100), the engine's batchSize raised to match",
    slow: false,
    run: (context) => rtkOfflineDrain(context, 'protocol', 100),
  },
  {
    name: 'rtk-offline + REST adapter',
    note: '`createRestAdapter`, `createOfflineSync({ coalesce: false })` (batchSize 20): one `PATCH /todos/:id` per operation, up to 20 in flight',
    slow: true,
    run: (context) => rtkOfflineDrain(context, 'rest', 20),
  },
  {
    name: 'redux-offline',
    note: "default fetch effect against the server's REST routes (`PATCH /todos/:id`), one at a time, persistence off",
    slow: true,
    run: reduxOfflineDrain,
  },
]

export async function runServerDrain(
  lib: RtkOffline,
  server: SyncBenchServer,
  database: string,
  options: ServerDrainOptions,
  log: (message: string) => void,
): Promise<ServerDrainResult> {
  const samples = new Map<string, { ms: number; requests: number }[]>(SERVER_DRAIN_CONTESTANTS.map((c) => [c.name, []]))
  const records = makeRecords('r', options.records)
  for (let round = 0; round < options.rounds; round++) {
    // Rotate the order each round, so no contestant always runs first (or last) on a warm server.
    const shift = round % SERVER_DRAIN_CONTESTANTS.length
    const order = [...SERVER_DRAIN_CONTESTANTS.slice(shift), ...SERVER_DRAIN_CONTESTANTS.slice(0, shift)]
    for (const contestant of order) {
      const operations = contestant.slow ? options.slowOperations : options.operations
      log(`server-drain on ${database} (${operations} ops on ${options.records} records) round ${round + 1}/${options.rounds}: ${contestant.name}`)
      await server.reset()
      await seedServer(lib, server, records, options.seed, `r${round}`)
      const before = await server.stats()
      const { ms } = await contestant.run({ lib, server, operations, options })
      const after = await server.stats()
      const failures = Object.entries(after.byStatus).filter(([status]) => !status.startsWith('2'))
      if (failures.length > 0) throw new Error(`server-drain: ${contestant.name}: the server answered ${JSON.stringify(after.byStatus)}`)
      if (after.todos.sumN !== expectedDigest(options.records, operations))
        throw new Error(`server-drain: ${contestant.name}: the server's records do not hold the last changes (digest ${after.todos.sumN})`)
      samples.get(contestant.name)!.push({ ms, requests: after.requests - before.requests })
    }
  }
  const rows = SERVER_DRAIN_CONTESTANTS.map((contestant): ServerDrainRow => {
    const taken = samples.get(contestant.name)!
    const operations = contestant.slow ? options.slowOperations : options.operations
    const medianMs = median(taken.map((sample) => sample.ms))
    return {
      name: contestant.name,
      note: contestant.note,
      operations,
      samples: taken,
      medianMs,
      medianRequests: median(taken.map((sample) => sample.requests)),
      msPerOperation: medianMs / operations,
    }
  })
  return { database, options, rows }
}
