import fc from 'fast-check'
import { STRATEGIES, type StrategyName } from '../chaos/chaosClient'
import { createPrng } from '../chaos/prng'
import type { RestoreMode, Step } from '../chaos/scenario'
import { ALL_PROTOCOL_FAULTS, type ProtocolFault } from './protocolFetch'

/** What a protocol scenario may do; each feature can be turned off to bisect a failure (`npm run chaos:protocol -- --no-crashes`). */
export interface ProtocolFeatures {
  /** Crashes (storage cut off at the instant, a reload on the same storage). */
  crashes: boolean
  /** Reloads that dispatch edits before the restore finished, crash again during it, or edit offline. */
  restoreRaces: boolean
  /** Two tabs on one storage for about a third of the clients (shared outbox, one sender elected with Web Locks). */
  tabs: boolean
  /** Switching the signed-in user, often while a push is in flight (clients with one tab). */
  userSwitches: boolean
  /** Deletes of own and shared records. */
  deletes: boolean
  /** The live event stream (`live: true`) in about two thirds of the seeds. */
  live: boolean
  /**
   * Server-assigned ids in about a third of the seeds: the server's collection has `assignIds`, the todos
   * entity `serverIds` and a `parentId` reference to itself, and creates and edits point `parentId` at
   * records, temporary ones too.
   */
  serverIds: boolean
  /** Faults injected into pushes, pulls and the event stream. An empty list: a healthy network (flaps still happen). */
  faults: readonly ProtocolFault[]
  /** Conflict strategies the clients are drawn from. */
  strategies: readonly StrategyName[]
  minClients: number
  maxClients: number
  /** Steps per scenario: at most this many. */
  maxSteps: number
  /**
   * Long scenarios: step counts spread evenly up to maxSteps. By default fast-check keeps arrays small
   * (most scenarios have about 10 steps, as test/chaos's do), which keeps each seed quick.
   */
  long: boolean
}

export const DEFAULT_PROTOCOL_FEATURES: ProtocolFeatures = {
  crashes: true,
  restoreRaces: true,
  tabs: true,
  userSwitches: true,
  deletes: true,
  live: true,
  serverIds: true,
  faults: ALL_PROTOCOL_FAULTS,
  strategies: STRATEGIES,
  minClients: 2,
  maxClients: 3,
  maxSteps: 40,
  long: false,
}

/** test/chaos's steps, with this suite's faults (a step's `tab` is taken modulo its client's tabs). */
export type ProtocolStep = Exclude<Step, { t: 'fault' }> | { t: 'fault'; c: number; fault: ProtocolFault; count: number }

export interface ProtocolScenario {
  seed: number
  strategies: StrategyName[]
  /** Tabs per client (1 or 2). */
  tabs: number[]
  /** Whether the clients listen to the server's event stream. */
  live: boolean
  /** Whether a client pulls right after an answer it lost (as an app's pull soon after would). */
  pullAfterLostAnswer: boolean
  /** Whether the server assigns ids (see ProtocolFeatures.serverIds). */
  serverIds: boolean
  /** Records every scope holds before the scenario starts. */
  sharedRecords: number
  steps: ProtocolStep[]
  /** Choices the heal phase makes (manual conflicts: keep mine or use theirs), in order. */
  healChoices: boolean[]
}

function stepArbitrary(clients: number, features: ProtocolFeatures): fc.Arbitrary<ProtocolStep> {
  const c = fc.integer({ min: 0, max: clients - 1 })
  // Drawn apart (generateProtocolScenario), so every seed keeps the steps it had with one tab.
  const tab = fc.constant(0)
  const pick = fc.nat({ max: 50 })
  const weighted: Array<{ arbitrary: fc.Arbitrary<ProtocolStep>; weight: number }> = [
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
    weighted.push({ weight: 9, arbitrary: fc.record({ t: fc.constant('fault' as const), c, fault: fc.constantFrom(...features.faults), count: fc.integer({ min: 1, max: 3 }) }) })
  if (features.crashes) {
    const restore: fc.Arbitrary<RestoreMode> = features.restoreRaces ? fc.constantFrom('await', 'early-edits', 'crash-again', 'offline-edit') : fc.constant('await')
    weighted.push({ weight: 4, arbitrary: fc.record({ t: fc.constant('crash' as const), c, tab, restore, rounds: fc.integer({ min: 0, max: 10 }), before: fc.integer({ min: 0, max: 6 }) }) })
  }
  if (features.userSwitches) weighted.push({ weight: 2, arbitrary: fc.record({ t: fc.constant('switch' as const), c, user: fc.constantFrom(null, 'u2') }) })
  return fc.oneof(...weighted)
}

/** The scenario of a seed: the same seed and features always give the same scenario. */
export function generateProtocolScenario(seed: number, features: ProtocolFeatures = DEFAULT_PROTOCOL_FEATURES): ProtocolScenario {
  const arbitrary = fc.integer({ min: features.minClients, max: features.maxClients }).chain((clients) =>
    fc.record({
      strategies: fc.array(fc.constantFrom(...features.strategies), { minLength: clients, maxLength: clients }),
      sharedRecords: fc.integer({ min: 1, max: 4 }),
      steps: fc.array(stepArbitrary(clients, features), { minLength: 5, maxLength: features.maxSteps, ...(features.long ? { size: 'max' as const } : {}) }),
      healChoices: fc.array(fc.boolean(), { minLength: 64, maxLength: 64 }),
    }),
  )
  const drawn = fc.sample(arbitrary, { seed, numRuns: 1 })[0]!
  // Drawn apart from the steps, so turning the feature off keeps each seed's steps.
  const apart = createPrng(seed ^ 0x11fe_5eed)
  const live = features.live && apart() < 2 / 3
  const pullAfterLostAnswer = apart() < 0.5
  const serverIds = features.serverIds && createPrng(seed ^ 0x1d5_a55)() < 1 / 3
  const tabDraws = createPrng(seed ^ 0x7ab_5eed)
  const tabs = drawn.strategies.map(() => (features.tabs && tabDraws() < 1 / 3 ? 2 : 1))
  const steps = drawn.steps.map((step) => ('tab' in step ? { ...step, tab: tabDraws() < 0.5 ? 0 : 1 } : step))
  return { seed, ...drawn, steps, tabs, live, pullAfterLostAnswer, serverIds }
}
