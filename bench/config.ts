import type { DispatchOptions } from './workloads/dispatch'
import type { DrainOptions } from './workloads/drain'
import type { MemoryOptions } from './workloads/memory'
import type { RehydrateOptions } from './workloads/rehydrate'

/** How big each workload runs. `standard` is `npm run bench`; `smoke` is CI's; `full` takes the 100,000 updates. */
export type Profile = 'smoke' | 'standard' | 'full'

export interface BenchConfig {
  profile: Profile
  latencyMs: number
  dispatch: DispatchOptions[]
  drain: DrainOptions[]
  memory: MemoryOptions
  rehydrate: RehydrateOptions
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

export function benchConfig(profile: Profile): BenchConfig {
  if (profile === 'smoke')
    return {
      profile,
      latencyMs: 1,
      dispatch: dispatchSeries(profile),
      drain: [{ operations: 100, records: 10, warmups: 0, rounds: 1, timeoutMs: 60_000, persisted: { mode: 'rounds' }, fetchLoop: true }],
      memory: { records: 10, checkpoints: [0, 200, 1000], timeoutMs: 60_000 },
      rehydrate: { records: 100, warmups: 0, rounds: 1 },
    }
  return {
    profile,
    latencyMs: 1,
    dispatch: dispatchSeries(profile),
    drain: [
      { operations: 1000, records: 100, warmups: 1, rounds: 3, timeoutMs: 120_000, persisted: { mode: 'rounds' }, fetchLoop: true },
      {
        operations: 10_000,
        records: 1000,
        warmups: 0,
        rounds: 3,
        timeoutMs: 300_000,
        persisted: { mode: 'capped', capMs: 45_000 },
        fetchLoop: false,
      },
    ],
    memory: { records: 100, checkpoints: [0, 10_000, 100_000], timeoutMs: 300_000 },
    // One round: rtk-offline's restore is quadratic in this build (see BENCHMARKS.md); a warm-up and
    // alternating rounds would take minutes each.
    rehydrate: { records: 10_000, warmups: 0, rounds: 1 },
  }
}
