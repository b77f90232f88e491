import { configureStore } from '@reduxjs/toolkit'
import type { RtkOffline } from '../lib/loadRtkOffline'
import { makeRecords, type BenchRecord } from '../lib/records'
import { seedServer, type SeedMode } from '../lib/seedServer'
import { median } from '../lib/stats'
import { collectGarbage, waitUntil } from '../lib/tick'
import { protocolAdapter } from '../server/referenceServerApi'
import type { SyncBenchServer } from '../server/startSyncServer'

/**
 * Issue 11, server pull: the server holds `records` records (made once, before any timing); an empty
 * client (an rtk-offline store, `createSyncProtocolAdapter`, pull on for `todos` with page size
 * `limit`) goes online and the clock runs until its last page is applied and its view holds every
 * record. Each round is a new client; the server is not changed by a pull, so it is seeded once.
 */
export interface ServerPullOptions {
  records: number
  /** Page sizes to pull with (`createSyncedEntity({ pull: { limit } })`; the server caps a page at 500). */
  limits: readonly number[]
  rounds: number
  timeoutMs: number
  seed: SeedMode
}

export interface ServerPullRow {
  limit: number
  /** Per round: time to the last page, pages applied and records the client's view held after it. */
  samples: { ms: number; pages: number; received: number }[]
  medianMs: number
  pages: number
  /** The fewest records any round's client held at the end (all of them when the pull is right). */
  received: number
}

export interface ServerPullResult {
  database: string
  options: ServerPullOptions
  rows: ServerPullRow[]
}

async function pullOnce(lib: RtkOffline, server: SyncBenchServer, options: ServerPullOptions, limit: number): Promise<ServerPullRow['samples'][number]> {
  const todos = lib.createSyncedEntity<BenchRecord>({ name: 'todos', pull: { limit } })
  const network = lib.createManualNetworkStatus(false)
  const errors: unknown[] = []
  const sync = lib.createOfflineSync({
    entities: [todos],
    adapter: protocolAdapter(lib, { baseUrl: server.url, batchSize: 100 }),
    network,
    // Pull on coming online only (no periodic pull during the measurement).
    pullIntervalMs: 0,
    onError: (error) => errors.push(error),
  })
  const store = configureStore({
    reducer: { todos: todos.reducer, [sync.reducerPath]: sync.reducer },
    middleware: (getDefault) => getDefault({ serializableCheck: false, immutableCheck: false }).concat(sync.middleware),
  })
  try {
    const done = () => {
      const progress = sync.selectors.selectPullProgress(store.getState())
      const entity = progress.entities.todos
      if (entity?.status === 'error') throw new Error(`server-pull: the pull failed: ${JSON.stringify(entity.error)}`)
      // Done when the last page (hasMore false) is applied; the records it brought are counted after.
      return entity?.status === 'idle' && entity.pages > 0
    }
    collectGarbage()
    const start = performance.now()
    network.setOnline(true)
    const finished = await waitUntil(store.subscribe, done, options.timeoutMs)
    const ms = performance.now() - start
    if (errors.length > 0) throw new Error(`server-pull: rtk-offline reported an error: ${String(errors[0])}`)
    const received = todos.selectors.selectTotal(store.getState())
    if (!finished) throw new Error(`server-pull: ${received} of ${options.records} records after ${options.timeoutMs} ms`)
    const last = todos.selectors.selectById(store.getState(), `r${options.records - 1}`)
    if (last && last.title !== `r record ${options.records - 1}`) throw new Error('server-pull: a record did not arrive as the server holds it')
    // Fewer records than the server holds is a wrong pull: reported (and the bench fails) after the figures.
    return { ms, pages: sync.selectors.selectPullProgress(store.getState()).pages, received }
  } finally {
    sync.stop()
  }
}

export async function runServerPull(
  lib: RtkOffline,
  server: SyncBenchServer,
  database: string,
  options: ServerPullOptions,
  log: (message: string) => void,
): Promise<ServerPullResult> {
  log(`server-pull on ${database}: seeding ${options.records} records (${options.seed}, not timed)`)
  await server.reset()
  await seedServer(lib, server, makeRecords('r', options.records), options.seed, 'pull')
  const samples = new Map<number, ServerPullRow['samples']>(options.limits.map((limit) => [limit, []]))
  for (let round = 0; round < options.rounds; round++)
    for (const limit of round % 2 === 0 ? options.limits : [...options.limits].reverse()) {
      log(`server-pull on ${database} (${options.records} records, pages of ${limit}) round ${round + 1}/${options.rounds}`)
      samples.get(limit)!.push(await pullOnce(lib, server, options, limit))
    }
  return {
    database,
    options,
    rows: options.limits.map((limit) => {
      const taken = samples.get(limit)!
      return {
        limit,
        samples: taken,
        medianMs: median(taken.map((sample) => sample.ms)),
        pages: median(taken.map((sample) => sample.pages)),
        received: Math.min(...taken.map((sample) => sample.received)),
      }
    }),
  }
}
