import fc from 'fast-check'
import type { Fault } from './todoServer'

/** One thing that happens during a scenario. `page` and `pick` are taken modulo what exists when it runs. */
export type Step =
  /**
   * An action with an effect: a create of a new todo, or an update or delete of one the device knows
   * (`pick`). `refuse`: its token makes the server answer 422. `together`: dispatched in the same tick as the
   * step before (no settle between them).
   */
  | { t: 'create'; page: number; refuse: boolean; together: boolean }
  | { t: 'update' | 'delete'; page: number; pick: number; refuse: boolean; together: boolean }
  | { t: 'online'; online: boolean }
  | { t: 'fault'; fault: Fault }
  | { t: 'advance'; ms: number }
  /** `turns`: the page dies that many turns of the event loop after the step before (not settled first). */
  | { t: 'reload'; page: number; flush: boolean; turns?: number }

export interface Scenario {
  /** Pages open on the one storage: 1, or 2 as tabs. */
  pages: number
  online: boolean
  /** Todos on the server before the pages load. */
  existing: number
  /** Creates a redux-offline 2.x outbox left under its old key (imported by every page at start); 0 for none. */
  old: number
  /**
   * The first page crashes this many turns of the event loop after the pages load (in the middle of its
   * restore or its import), and loads again; null for none.
   */
  startCrash: number | null
  /**
   * The app restores its own state and dispatches redux-persist's REHYDRATE this many turns after each page
   * loads, with `holdUntil` waiting for it; null: no state of its own to restore.
   */
  rehydrateAfter: number | null
  steps: Step[]
}

const page = fc.nat({ max: 1 })
const pick = fc.nat({ max: 7 })
/** About one action in six is made to be refused (the server answers 422 for its token). */
const refuse = fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) })
const together = fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) })

const fault: fc.Arbitrary<Fault> = fc.oneof(
  fc.constant<Fault>({ kind: '503' }),
  fc.constant<Fault>({ kind: '401' }),
  fc.constant<Fault>({ kind: 'drop' }),
  fc.record({ kind: fc.constant('slow' as const), ms: fc.integer({ min: 50, max: 5_000 }), applyFirst: fc.boolean() }),
)

export const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant('create' as const), page, refuse, together }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('update' as const), page, pick, refuse, together }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('delete' as const), page, pick, refuse, together }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('online' as const), online: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('fault' as const), fault }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 4_000 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('reload' as const), page, flush: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('reload' as const), page, flush: fc.constant(false), turns: fc.nat({ max: 8 }) }) },
)

export const scenario: fc.Arbitrary<Scenario> = fc.record({
  pages: fc.integer({ min: 1, max: 2 }),
  online: fc.boolean(),
  existing: fc.nat({ max: 2 }),
  old: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }) }),
  startCrash: fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.nat({ max: 40 }) }),
  rehydrateAfter: fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.nat({ max: 30 }) }),
  steps: fc.array(step, { minLength: 1, maxLength: 40, size: 'max' }),
})
