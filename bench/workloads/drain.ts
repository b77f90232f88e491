import { createReduxOfflineStore } from '../contestants/reduxOfflineStore'
import { RTK_OFFLINE_PERSIST_SETUP } from '../contestants/rtkOfflinePersist'
import { createRtkOfflineStore } from '../contestants/rtkOfflineStore'
import { createTanstackQueryClient } from '../contestants/tanstackQueryClient'
import { runAlternating, type Contestant } from '../lib/alternate'
import { createCountingStorage, type CountingStorage } from '../lib/countingStorage'
import type { RtkOffline } from '../lib/loadRtkOffline'
import { expectedDigest, makeRecords, updateAt } from '../lib/records'
import { median } from '../lib/stats'
import { collectGarbage, nextMacrotask, waitUntil } from '../lib/tick'
import type { BenchServer } from '../server/startBenchServer'

/**
 * Workload 2, drain. The server holds `records` records (version 1) and so does each client, as
 * confirmed state; offline, the client makes `operations` updates round-robin over them; then it goes
 * online and the clock runs until its outbox is empty. Every contestant talks to the same node:http
 * server in a child process (1 ms added per request). After each run the server's records must hold
 * every record's last change and every answer must have been a 2xx.
 */
export interface DrainOptions {
  operations: number
  records: number
  warmups: number
  rounds: number
  /** Longest a run may take before it is called off (and reported as such). */
  timeoutMs: number
  /** How redux-offline with persistence runs here: in the rounds, once with a time cap, or not at all. */
  persisted: { mode: 'rounds' } | { mode: 'capped'; capMs: number } | { mode: 'skip'; reason: string }
  /** Include the plain fetch loop (an orientation figure; at large sizes it only costs time). */
  fetchLoop: boolean
  /** Run only these contestants (by name); all of them when left out. */
  contestants?: readonly DrainContestantName[]
  /** What this drain is for, printed above its table. */
  purpose?: string
}

export interface DrainSample {
  ms: number
  requests: number
  /** Operations drained when the run ended (all of them unless it was capped). */
  drained: number
  /** Operations dropped on the way (redux-offline discards a request that failed without an HTTP status). */
  dropped: number
  /** With persistence: storage writes (setItem) and removals during the drain, characters written, and the stored size before it. */
  storage?: { writes: number; removes: number; charsWritten: number; storedBefore: number }
}

export interface DrainRow {
  name: string
  note: string
  samples: DrainSample[]
  medianMs: number
  medianRequests: number
  capped?: { capMs: number; drained: number }
  skipped?: string
}

export interface DrainResult {
  options: DrainOptions
  rows: DrainRow[]
}

interface Run {
  /** Makes the operations (untimed). */
  prepare(): Promise<void>
  /** Goes online and resolves once the outbox is empty, or at `deadline` with how many were drained. */
  drain(deadline: number): Promise<number>
  dispose(): Promise<void> | void
  storage?: CountingStorage
  storedBefore?: number
  /** Operations the contestant dropped without the server applying them (redux-offline's discard). */
  dropped?: number
}

interface RunContext {
  lib: RtkOffline
  server: BenchServer
  options: DrainOptions
  /** Call the run off after this long (redux-offline with persistence at large sizes). */
  capMs?: number
}

type RunFactory = (context: RunContext) => Run

export const DRAIN_CONTESTANTS = [
  'rtk-offline',
  'rtk-offline + persistence',
  'rtk-offline, no coalescing, batchSize 1',
  'rtk-offline, no coalescing, batchSize 20',
  'TanStack Query, scope per record, 20 at a time',
  'TanStack Query, one scope',
  'redux-offline',
  'redux-offline + persistence',
  'plain fetch loop',
] as const
export type DrainContestantName = (typeof DRAIN_CONTESTANTS)[number]

export const drainContestants: { name: DrainContestantName; note: string; create: RunFactory }[] = [
  {
    name: 'rtk-offline',
    note: 'coalescing on, batchSize 20 (defaults), REST adapter',
    create: (context) => rtkOfflineRun(context, {}),
  },
  {
    name: 'rtk-offline + persistence',
    note: `as above, with the durable outbox (${RTK_OFFLINE_PERSIST_SETUP}) on localforage over fake-indexeddb`,
    create: (context) => rtkOfflineRun(context, {}, true),
  },
  {
    name: 'rtk-offline, no coalescing, batchSize 1',
    note: '`createOfflineSync({ coalesce: false, batchSize: 1 })`: one request per operation, one at a time',
    create: (context) => rtkOfflineRun(context, { coalesce: false, batchSize: 1 }),
  },
  {
    name: 'rtk-offline, no coalescing, batchSize 20',
    note: 'one request per operation, up to 20 records in parallel',
    create: (context) => rtkOfflineRun(context, { coalesce: false }),
  },
  {
    name: 'TanStack Query, scope per record, 20 at a time',
    note: "`@tanstack/query-core` paused mutations (`networkMode: 'online'`), one PATCH each, a `scope` per record, resumed with `resumePausedMutations()`, at most 20 requests in flight; no merging, no view update, no persistence",
    create: (context) => tanstackRun(context, 'record'),
  },
  {
    name: 'TanStack Query, one scope',
    note: 'the same, every mutation in one `scope`: one request at a time, in order',
    create: (context) => tanstackRun(context, 'one'),
  },
  {
    name: 'redux-offline',
    note: 'persistence off, default fetch effect, one action at a time',
    create: (context) => reduxOfflineRun(context, false),
  },
  {
    name: 'redux-offline + persistence',
    note: 'default redux-persist 4 on localforage over fake-indexeddb',
    create: (context) => reduxOfflineRun(context, true),
  },
  {
    name: 'plain fetch loop',
    note: 'orientation: `await fetch(PATCH)` per operation, one after another, no store',
    create: fetchLoopRun,
  },
]

const updatesFor = (options: DrainOptions) =>
  Array.from({ length: options.operations }, (_, index) => updateAt('r', options.records, index))

function rtkOfflineRun(
  { lib, server, options }: RunContext,
  sync: { coalesce?: boolean; batchSize?: number },
  persisted = false,
): Run {
  const todos = makeRecords('r', options.records)
  let client: ReturnType<typeof createRtkOfflineStore> | undefined
  const run: Run = {
    async prepare() {
      if (persisted) run.storage = await createCountingStorage()
      client = createRtkOfflineStore({
        lib,
        mode: 'production',
        adapter: lib.createRestAdapter({ baseUrl: server.url }),
        todos,
        online: false,
        ...sync,
        ...(run.storage ? { storage: run.storage } : {}),
      })
      await client.persistor?.ready
      // `updatedMany` a thousand at a time makes the same operations as one `updated` each (merged or
      // not, as configured), without paying for 10,000 set-up dispatches.
      const updates = updatesFor(options)
      for (let start = 0; start < updates.length; start += 1000) client.updateMany(updates.slice(start, start + 1000))
      if (client.persistor && run.storage) {
        // Everything made offline is in storage before the clock starts.
        await client.persistor.flush()
        await run.storage.settle(100, 120_000)
        run.storedBefore = await run.storage.storedChars()
      }
      await nextMacrotask()
    },
    async drain(deadline) {
      const c = client!
      c.network.setOnline(true)
      await waitUntil(c.store.subscribe, c.isDrained, deadline - performance.now())
      if (c.errors.length > 0) throw new Error(`drain: rtk-offline reported an error: ${String(c.errors[0])}`)
      return c.pending() === 0 ? options.operations : Number.NaN
    },
    async dispose() {
      await client?.persistor?.flush()
      client?.stop()
      if (run.storage) {
        await run.storage.settle(100, 120_000)
        await run.storage.drop()
      }
      if (client && client.errors.length > 0) throw new Error(`drain: rtk-offline reported an error: ${String(client.errors[0])}`)
    },
  }
  return run
}

function reduxOfflineRun({ server, options, capMs }: RunContext, persisted: boolean): Run {
  const todos = makeRecords('r', options.records)
  let client: ReturnType<typeof createReduxOfflineStore> | undefined
  const run: Run = {
    async prepare() {
      if (persisted) run.storage = await createCountingStorage()
      client = createReduxOfflineStore({
        mode: 'production',
        baseUrl: server.url,
        todos,
        // The state its reducer leaves after these updates made offline (checked equal to dispatching them).
        madeOffline: updatesFor(options),
        ...(run.storage ? { storage: run.storage } : {}),
      })
      await client.ready
      if (run.storage) {
        // redux-persist writes every key on the first change after its restore; let it finish before the clock starts.
        client.store.dispatch({ type: 'bench/persistNow' })
        await run.storage.settle(300, 120_000)
        run.storedBefore = await run.storage.storedChars()
      }
      await nextMacrotask()
    },
    async drain(deadline) {
      const c = client!
      c.setOnline(true)
      const end = capMs === undefined ? deadline : Math.min(deadline, performance.now() + capMs)
      await waitUntil(c.store.subscribe, c.isDrained, end - performance.now())
      if (!c.isDrained()) {
        // Called off: stop sending and let the request in flight finish.
        c.setOnline(false)
        await waitUntil(c.store.subscribe, () => !c.isBusy(), 30_000)
      }
      run.dropped = c.rolledBack()
      return options.operations - c.pending()
    },
    async dispose() {
      if (run.storage) {
        await run.storage.settle(200, 120_000)
        await run.storage.drop()
      }
    },
  }
  return run
}

function tanstackRun({ server, options }: RunContext, scope: 'one' | 'record'): Run {
  let client: ReturnType<typeof createTanstackQueryClient> | undefined
  const run: Run = {
    async prepare() {
      client = createTanstackQueryClient({ baseUrl: server.url, scope, concurrency: 20 })
      client.goOffline()
      for (const { id, changes } of updatesFor(options)) client.update(id, changes)
      await nextMacrotask()
      if (client.paused() !== options.operations)
        throw new Error(`drain: TanStack Query has ${client.paused()} paused mutations, expected ${options.operations}`)
    },
    async drain() {
      const { failures } = await client!.drain()
      run.dropped = failures
      return options.operations - failures
    },
    dispose() {
      client?.dispose()
    },
  }
  return run
}

function fetchLoopRun({ server, options }: RunContext): Run {
  return {
    async prepare() {},
    async drain(deadline) {
      for (let index = 0; index < options.operations; index++) {
        if (performance.now() > deadline) return index
        const { id, changes } = updateAt('r', options.records, index)
        const response = await fetch(`${server.url}/todos/${encodeURIComponent(id)}`, {
          method: 'PATCH',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(changes),
        })
        await response.text()
      }
      return options.operations
    },
    dispose() {},
  }
}

async function measure(factory: RunFactory, context: RunContext, name: string): Promise<DrainSample> {
  const { server, options } = context
  await server.reset()
  await server.seed('todos', makeRecords('r', options.records))
  const run = factory(context)
  try {
    await run.prepare()
    collectGarbage()
    const writesBefore = run.storage?.writes ?? 0
    const removesBefore = run.storage?.removes ?? 0
    const charsBefore = run.storage?.bytesWritten ?? 0
    const start = performance.now()
    const drained = await run.drain(start + options.timeoutMs)
    const ms = performance.now() - start
    const stats = await server.stats()
    const failures = Object.entries(stats.byStatus).filter(([status]) => !status.startsWith('2'))
    if (failures.length > 0) throw new Error(`drain: ${name}: the server answered ${JSON.stringify(stats.byStatus)}`)
    if (drained === options.operations) {
      const digest = stats.entities.todos?.sumN
      if (digest !== expectedDigest(options.records, options.operations))
        throw new Error(`drain: ${name}: the server's records do not hold the last changes (digest ${digest})`)
    } else if (context.capMs === undefined) {
      throw new Error(`drain: ${name} did not finish within ${options.timeoutMs} ms (${drained} of ${options.operations})`)
    }
    const sample: DrainSample = { ms, requests: stats.requests, drained, dropped: run.dropped ?? 0 }
    // Writes the drain caused but left for later (throttled blobs, queued keys) count too: wait for quiet.
    if (run.storage) await run.storage.settle(400, 120_000)
    if (run.storage)
      sample.storage = {
        writes: run.storage.writes - writesBefore,
        removes: run.storage.removes - removesBefore,
        charsWritten: run.storage.bytesWritten - charsBefore,
        storedBefore: run.storedBefore ?? 0,
      }
    return sample
  } finally {
    await run.dispose()
  }
}

export async function runDrain(
  lib: RtkOffline,
  server: BenchServer,
  options: DrainOptions,
  log: (message: string) => void,
): Promise<DrainResult> {
  const context: RunContext = { lib, server, options }
  const included = drainContestants.filter(
    (contestant) =>
      (options.contestants === undefined || options.contestants.includes(contestant.name)) &&
      (contestant.name !== 'plain fetch loop' || options.fetchLoop),
  )
  const inRounds = included.filter((contestant) => contestant.name !== 'redux-offline + persistence' || options.persisted.mode === 'rounds')
  const samples = await runAlternating(
    inRounds.map(
      (contestant): Contestant<DrainSample> => ({
        name: contestant.name,
        run: () => measure(contestant.create, context, contestant.name),
      }),
    ),
    {
      warmups: options.warmups,
      rounds: options.rounds,
      onProgress: (message) => log(`drain (${options.operations} ops on ${options.records} records) ${message}`),
    },
  )
  const rows: DrainRow[] = included.map((contestant) => {
    const taken = samples.get(contestant.name) ?? []
    return {
      name: contestant.name,
      note: contestant.note,
      samples: taken,
      medianMs: median(taken.map((sample) => sample.ms)),
      medianRequests: median(taken.map((sample) => sample.requests)),
    }
  })
  const persistedRow = rows.find((row) => row.name === 'redux-offline + persistence')
  if (persistedRow && options.persisted.mode === 'skip') persistedRow.skipped = options.persisted.reason
  if (persistedRow && options.persisted.mode === 'capped') {
    const { capMs } = options.persisted
    log(`drain (${options.operations} ops on ${options.records} records) once, capped at ${capMs / 1000} s: redux-offline + persistence`)
    const contestant = drainContestants.find((entry) => entry.name === persistedRow.name)!
    const sample = await measure(contestant.create, { ...context, capMs }, persistedRow.name)
    persistedRow.samples = [sample]
    persistedRow.medianMs = sample.ms
    persistedRow.medianRequests = sample.requests
    if (sample.drained < options.operations) persistedRow.capped = { capMs, drained: sample.drained }
  }
  return { options, rows }
}
