import fc from 'fast-check'
import { STRATEGIES, type StrategyName } from './chaosClient'
import { ALL_FAULTS, type Fault } from './faultyFetch'
import { createPrng } from './prng'

/**
 * What a scenario may do. Each feature can be turned off, so a failure can be bisected to the feature
 * that finds it (`--no-crashes`, `--faults=drop-before,500` … in `npm run chaos`).
 */
export interface ChaosFeatures {
  /** Crashes (storage cut off at the instant, a reload on the same storage). */
  crashes: boolean
  /** Reloads that dispatch edits before the restore finished, and crashes again during a restore. */
  restoreRaces: boolean
  /** Two tabs on one storage for some clients (shared outbox, one sender elected with Web Locks). */
  tabs: boolean
  /** The server pokes every client of a scope after each write (real-time), so they pull at once. */
  pokes: boolean
  /**
   * Confirmation by pull for about half the seeds: the REST adapter's `confirmByPull`, the server answering
   * `unanswered`, and a pull right after each lost answer (`drop-after`, `slow`).
   */
  confirmByPull: boolean
  /** Switching the signed-in user, often while a batch is in flight (clients with one tab). */
  userSwitches: boolean
  /** Deletes of own and shared records. */
  deletes: boolean
  /** Faults injected into requests. An empty list: a healthy network (network flaps still happen). */
  faults: readonly Fault[]
  /** Conflict strategies the clients are drawn from. */
  strategies: readonly StrategyName[]
  /** Clients per scenario. */
  minClients: number
  maxClients: number
  /** Steps per scenario. */
  maxSteps: number
  /**
   * In odd seeds, each settle of answers (opsSettled) costs 1 ms of the engine's clock, as on a large store:
   * the drain then holds confirmed batches and settles several at once (src/middleware/shared/heldAnswers.ts).
   */
  costlySettles: boolean
  /**
   * In about a third of the seeds the server compacts its history once, at a random step, as one that
   * prunes tombstones would: pulls with an older cursor get 410 and the clients start over from no cursor
   * (the records deleted meanwhile must go from every client: src/middleware/shared/resyncSweep.ts).
   */
  compaction: boolean
  /**
   * Server-assigned ids for about a third of the seeds: the todos entity has `serverIds` and a
   * `parentId` reference to itself, the server gives created records its own ids (`s<n>`), and creates
   * and edits point `parentId` at records, temporary ones too.
   */
  serverIds: boolean
}

export const DEFAULT_FEATURES: ChaosFeatures = {
  crashes: true,
  restoreRaces: true,
  tabs: true,
  pokes: true,
  confirmByPull: true,
  userSwitches: true,
  deletes: true,
  faults: ALL_FAULTS,
  strategies: STRATEGIES,
  minClients: 2,
  maxClients: 4,
  maxSteps: 40,
  costlySettles: true,
  compaction: true,
  serverIds: true,
}

/**
 * How a reload goes: `await` the restore; `early-edits` dispatched before the restore finished;
 * `crash-again` during the restore; `offline-edit`: the user edits, the page dies a few turns later
 * (its request may be on the wire), comes back offline and the user edits the same record before the
 * connection returns (an op that was in flight at the crash may be coalesced into).
 */
export type RestoreMode = 'await' | 'early-edits' | 'crash-again' | 'offline-edit'

export type Step =
  | { t: 'create'; c: number; tab: number; title: boolean }
  | { t: 'update'; c: number; tab: number; pick: number; title: boolean }
  | { t: 'delete'; c: number; tab: number; pick: number }
  | { t: 'fault'; c: number; fault: Fault; count: number }
  | { t: 'network'; c: number; online: boolean }
  | { t: 'crash'; c: number; tab: number; restore: RestoreMode; rounds: number; before: number }
  | { t: 'switch'; c: number; user: string | null }
  | { t: 'advance'; ms: number }
  | { t: 'settle'; rounds: number | null }
  | { t: 'pull'; c: number }
  | { t: 'sync'; c: number }
  | { t: 'resolve'; c: number; local: boolean }

export interface Scenario {
  seed: number
  strategies: StrategyName[]
  /** Tabs per client (1 or 2). */
  tabs: number[]
  /** Whether the server pokes its clients after writes. */
  pokes: boolean
  /** Whether the clients confirm by pull (see ChaosFeatures.confirmByPull). */
  confirmByPull: boolean
  /** Whether the server assigns ids (see ChaosFeatures.serverIds). */
  serverIds: boolean
  /** Records every scope holds before the scenario starts (shared by all clients of that scope). */
  sharedRecords: number
  steps: Step[]
  /** Choices the heal phase makes (manual conflicts: keep mine or use theirs), in order. */
  healChoices: boolean[]
  /** After which steps (by index) the server compacts its history (see ChaosFeatures.compaction). */
  compactAfter: number[]
}

function stepArbitrary(clients: number, features: ChaosFeatures): fc.Arbitrary<Step> {
  const c = fc.integer({ min: 0, max: clients - 1 })
  const tab = fc.integer({ min: 0, max: 1 })
  const pick = fc.nat({ max: 50 })
  const weighted: Array<{ arbitrary: fc.Arbitrary<Step>; weight: number }> = [
    { weight: 6, arbitrary: fc.record({ t: fc.constant('create' as const), c, tab, title: fc.boolean() }) },
    { weight: 14, arbitrary: fc.record({ t: fc.constant('update' as const), c, tab, pick, title: fc.boolean() }) },
    { weight: 3, arbitrary: fc.record({ t: fc.constant('network' as const), c, online: fc.boolean() }) },
    { weight: 5, arbitrary: fc.record({ t: fc.constant('advance' as const), ms: fc.oneof(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 100, max: 3000 })) }) },
    { weight: 8, arbitrary: fc.record({ t: fc.constant('settle' as const), rounds: fc.option(fc.integer({ min: 0, max: 12 }), { freq: 3, nil: null }) }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('pull' as const), c }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('sync' as const), c }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('resolve' as const), c, local: fc.boolean() }) },
  ]
  if (features.deletes) weighted.push({ weight: 2, arbitrary: fc.record({ t: fc.constant('delete' as const), c, tab, pick }) })
  if (features.faults.length > 0)
    weighted.push({
      weight: 8,
      arbitrary: fc.record({ t: fc.constant('fault' as const), c, fault: fc.constantFrom(...features.faults), count: fc.integer({ min: 1, max: 3 }) }),
    })
  if (features.crashes) {
    const restore: fc.Arbitrary<RestoreMode> = features.restoreRaces ? fc.constantFrom('await', 'early-edits', 'crash-again', 'offline-edit') : fc.constant('await')
    weighted.push({ weight: 4, arbitrary: fc.record({ t: fc.constant('crash' as const), c, tab, restore, rounds: fc.integer({ min: 0, max: 10 }), before: fc.integer({ min: 0, max: 6 }) }) })
  }
  if (features.userSwitches)
    weighted.push({ weight: 2, arbitrary: fc.record({ t: fc.constant('switch' as const), c, user: fc.constantFrom(null, 'u2') }) })
  return fc.oneof(...weighted)
}

export function scenarioArbitrary(seed: number, features: ChaosFeatures): fc.Arbitrary<Omit<Scenario, 'confirmByPull' | 'serverIds' | 'compactAfter'>> {
  return fc.integer({ min: features.minClients, max: features.maxClients }).chain((clients) =>
    fc.record({
      seed: fc.constant(seed),
      strategies: fc.array(fc.constantFrom(...features.strategies), { minLength: clients, maxLength: clients }),
      tabs: fc.array(features.tabs ? fc.constantFrom(1, 1, 2) : fc.constant(1), { minLength: clients, maxLength: clients }),
      pokes: features.pokes ? fc.boolean() : fc.constant(false),
      sharedRecords: fc.integer({ min: 1, max: 4 }),
      steps: fc.array(stepArbitrary(clients, features), { minLength: 5, maxLength: features.maxSteps }),
      healChoices: fc.array(fc.boolean(), { minLength: 64, maxLength: 64 }),
    }),
  )
}

/** The scenario of a seed: the same seed and features always give the same scenario. */
export function generateScenario(seed: number, features: ChaosFeatures = DEFAULT_FEATURES): Scenario {
  const scenario = fc.sample(scenarioArbitrary(seed, features), { seed, numRuns: 1 })[0]!
  // Drawn apart from the steps, so every seed keeps the steps it had before this feature (and the seeds
  // named in regression tests still replay what they found); odd draws leave it off.
  const confirmByPull = features.confirmByPull && createPrng(seed ^ 0x5eed_c0f)() < 0.5
  // The same for server-assigned ids (a third of the seeds).
  const serverIds = features.serverIds && createPrng(seed ^ 0x1d5_a55)() < 1 / 3
  // And for compacting the server's history.
  const compaction = createPrng(seed ^ 0xc0_4ac7)
  const compactAfter = features.compaction && compaction() < 1 / 3 ? [Math.floor(compaction() * scenario.steps.length)] : []
  return { ...scenario, confirmByPull, serverIds, compactAfter }
}
