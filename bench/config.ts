import type { DispatchOptions } from './workloads/dispatch'
import type { DrainOptions } from './workloads/drain'
import type { MemoryOptions } from './workloads/memory'
import type { RehydrateOptions } from './workloads/rehydrate'
import type { RestoreBrowserOptions } from './workloads/restoreBrowser'
import type { ServerDrainOptions } from './workloads/serverDrain'
import type { ServerPullOptions } from './workloads/serverPull'
import type { ServerThroughputOptions } from './workloads/serverThroughput'
import type { StoredOptions } from './workloads/stored'

/** How big each workload runs. `standard` is `npm run bench`; `smoke` is CI's; `full` takes the 100,000 updates. */
export type Profile = 'smoke' | 'standard' | 'full'

export interface BenchConfig {
  profile: Profile
  latencyMs: number
  dispatch: DispatchOptions[]
  /** Dispatch cost by record count (production, nothing pending): what a dispatch adds over the floor at each size. */
  dispatchBySize: DispatchOptions[]
  drain: DrainOptions[]
  stored: StoredOptions
  restoreBrowser: RestoreBrowserOptions
  memory: MemoryOptions
  rehydrate: RehydrateOptions
  /** Issue 11's server workloads (bench/workloads/server*.ts), run on PGlite and, given BENCH_DATABASE_URL, on PostgreSQL. */
  server: {
    /** A PostgreSQL URL to run them on as well (env BENCH_DATABASE_URL); PGlite only without it. */
    databaseUrl: string | null
    drain: ServerDrainOptions
    throughput: ServerThroughputOptions
    pull: ServerPullOptions
  }
}

/** Issue 11's server workloads by profile. */
function serverWorkloads(profile: Profile): BenchConfig['server'] {
  const databaseUrl = process.env.BENCH_DATABASE_URL || null
  if (profile === 'smoke')
    return {
      databaseUrl,
      drain: { operations: 60, records: 60, slowOperations: 20, rounds: 1, timeoutMs: 120_000, seed: 'push' },
      throughput: { clients: [1, 3], operations: 60, batchSize: 10, rounds: 1, scopes: ['per client', 'shared'] },
      pull: { records: 120, limits: [50], rounds: 1, timeoutMs: 120_000, seed: 'push' },
    }
  return {
    databaseUrl,
    drain: {
      operations: 10_000,
      records: 10_000,
      // One request per operation costs the server a transaction each: 10,000 of them take minutes on PGlite,
      // so the standard profile drains 1,000 and extrapolates per operation (the report says so); --full drains all.
      slowOperations: profile === 'full' ? 10_000 : 1000,
      rounds: profile === 'full' ? 3 : 1,
      timeoutMs: 1_800_000,
      seed: 'sql',
    },
    // 3,000 creates a level (60 a client at 50 clients, in batches of 50): each level takes tens of seconds on this server.
    throughput: {
      clients: [1, 10, 50],
      operations: profile === 'full' ? 10_000 : 3000,
      batchSize: 50,
      rounds: profile === 'full' ? 3 : 1,
      scopes: ['per client', 'shared'],
    },
    pull: { records: 100_000, limits: [500, 100], rounds: profile === 'full' ? 3 : 1, timeoutMs: 1_800_000, seed: 'sql' },
  }
}

const REDUX_OFFLINE_DEV_SKIP =
  'left out: with the dev checks on, each of its 10,000 set-up actions re-scans its unfrozen outbox (about 15 ms each at 1,000, growing with it), so the set-up alone would take far longer than the whole suite'

function dispatchSeries(profile: Profile): DispatchOptions[] {
  const records = profile === 'smoke' ? 50 : 1000
  const levels = profile === 'smoke' ? [0, 100] : [0, 1000, 10_000]
  const production = {
    smoke: { warmupUpdates: 50, roundUpdates: 100, rounds: 2 },
    standard: { warmupUpdates: 2000, roundUpdates: 6000, rounds: 3 },
    full: { warmupUpdates: 4000, roundUpdates: 16_000, rounds: 6 },
  }[profile]
  const dev = profile === 'smoke' ? { warmupUpdates: 20, roundUpdates: 50, rounds: 2 } : { warmupUpdates: 50, roundUpdates: 150, rounds: 3 }
  return [
    ...levels.map((pending): DispatchOptions => ({ mode: 'production', records, pending, chunk: 1000, ...production })),
    ...levels.map(
      (pending): DispatchOptions => ({
        mode: 'dev-checks',
        records,
        pending,
        chunk: 1000,
        ...dev,
        ...(pending >= 10_000 ? { skipReduxOffline: REDUX_OFFLINE_DEV_SKIP } : {}),
      }),
    ),
  ]
}

function dispatchBySize(profile: Profile): DispatchOptions[] {
  const sizes = profile === 'smoke' ? [10, 100] : [10, 100, 1000]
  const counts =
    profile === 'smoke'
      ? { warmupUpdates: 50, roundUpdates: 100, rounds: 2 }
      : { warmupUpdates: 2000, roundUpdates: 6000, rounds: profile === 'full' ? 6 : 5 }
  return sizes.map((records): DispatchOptions => ({ mode: 'production', records, pending: 0, chunk: 1000, ...counts }))
}

/** One change per record: nothing to merge, so rtk-offline sends as many requests as the others. */
const ONE_PER_RECORD: DrainOptions['contestants'] = ['rtk-offline', 'rtk-offline + persistence', 'TanStack Query, scope per record, 20 at a time']
const ONE_PER_RECORD_PURPOSE = 'One change per record: no coalescing benefit, every contestant sends one request per operation, 20 in flight.'

export function benchConfig(profile: Profile): BenchConfig {
  if (profile === 'smoke')
    return {
      profile,
      latencyMs: 1,
      dispatch: dispatchSeries(profile),
      dispatchBySize: dispatchBySize(profile),
      drain: [
        { operations: 100, records: 10, warmups: 0, rounds: 1, timeoutMs: 60_000, persisted: { mode: 'rounds' }, fetchLoop: true },
        {
          operations: 100,
          records: 100,
          warmups: 0,
          rounds: 1,
          timeoutMs: 60_000,
          persisted: { mode: 'rounds' },
          fetchLoop: false,
          contestants: ONE_PER_RECORD,
          purpose: ONE_PER_RECORD_PURPOSE,
        },
      ],
      stored: { operations: 20 },
      restoreBrowser: { records: 100, warmups: 1, rounds: 1 },
      memory: { records: 10, checkpoints: [0, 200, 1000], timeoutMs: 60_000 },
      rehydrate: { records: 100, warmups: 1, rounds: 1 },
      server: serverWorkloads(profile),
    }
  return {
    profile,
    latencyMs: 1,
    dispatch: dispatchSeries(profile),
    dispatchBySize: dispatchBySize(profile),
    drain: [
      {
        operations: 1000,
        records: 100,
        warmups: 1,
        rounds: 3,
        timeoutMs: 120_000,
        persisted: { mode: 'rounds' },
        fetchLoop: true,
        purpose: 'Ten changes per record; the one-at-a-time rows (batchSize 1, TanStack Query in one scope, redux-offline, the fetch loop) send the same 1,000 requests.',
      },
      {
        operations: 10_000,
        records: 1000,
        warmups: 0,
        rounds: 3,
        timeoutMs: 300_000,
        persisted: { mode: 'capped', capMs: 45_000 },
        fetchLoop: false,
        // TanStack Query one request at a time would add about 20 s a round and say nothing the 1,000-operation drain does not.
        contestants: [
          'rtk-offline',
          'rtk-offline + persistence',
          'rtk-offline, no coalescing, batchSize 1',
          'rtk-offline, no coalescing, batchSize 20',
          'TanStack Query, scope per record, 20 at a time',
          'redux-offline',
          'redux-offline + persistence',
        ],
      },
      {
        operations: 10_000,
        records: 10_000,
        warmups: 1,
        rounds: 3,
        timeoutMs: 300_000,
        persisted: { mode: 'skip', reason: 'not run' },
        fetchLoop: false,
        contestants: ONE_PER_RECORD,
        purpose: ONE_PER_RECORD_PURPOSE,
      },
    ],
    stored: { operations: 1000 },
    restoreBrowser: { records: 10_000, warmups: 1, rounds: 5 },
    memory: { records: 100, checkpoints: [0, 10_000, 100_000], timeoutMs: 300_000 },
    // A warm-up round (not counted) first: the first restore in a process also pays for compiling the code.
    rehydrate: { records: 10_000, warmups: 1, rounds: 3 },
    server: serverWorkloads(profile),
  }
}
