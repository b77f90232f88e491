import fc from 'fast-check'
import type { Fault } from './todoServer'

/** One thing that happens during a scenario. `page` and `pick` are taken modulo what exists when it runs. */
export type Step =
  /** `together`: triggered in the same tick as the step before (no settle between them), as a burst of clicks. */
  | { t: 'add'; page: number; refuse: boolean; together: boolean }
  | { t: 'rename'; page: number; pick: number; refuse: boolean; together: boolean }
  | { t: 'toggle'; page: number; pick: number; refuse: boolean; together: boolean }
  | { t: 'online'; online: boolean }
  | { t: 'fault'; fault: Fault }
  | { t: 'advance'; ms: number }
  | { t: 'refetch'; page: number }
  /** The next list read answers `ms` later, with the list as it was when it arrived. */
  | { t: 'slowRead'; ms: number }
  /** `turns`: the page dies that many turns of the event loop after the step before (not settled first), as a crash right after a click. */
  | { t: 'reload'; page: number; flush: boolean; turns?: number }
  | { t: 'discard'; page: number }
  | { t: 'retryFailed'; page: number }

export interface Scenario {
  /** Pages open on the one storage: 1, or 2 as tabs. */
  pages: number
  online: boolean
  /** Todos on the server before the pages load. */
  existing: number
  steps: Step[]
}

const page = fc.nat({ max: 1 })
/** About one mutation in six is made to be refused (the server answers 422 for its token). */
const refused = fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) })

const together = fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) })

const fault: fc.Arbitrary<Fault> = fc.oneof(
  fc.constant<Fault>({ kind: '503' }),
  fc.constant<Fault>({ kind: '401' }),
  fc.constant<Fault>({ kind: 'drop' }),
  fc.record({ kind: fc.constant('slow' as const), ms: fc.integer({ min: 50, max: 5_000 }), applyFirst: fc.boolean() }),
)

export const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant('add' as const), page, refuse: refused, together }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('rename' as const), page, pick: fc.nat({ max: 7 }), refuse: refused, together }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('toggle' as const), page, pick: fc.nat({ max: 7 }), refuse: refused, together }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('online' as const), online: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('fault' as const), fault }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 4_000 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('refetch' as const), page }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('slowRead' as const), ms: fc.integer({ min: 50, max: 5_000 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('reload' as const), page, flush: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('reload' as const), page, flush: fc.constant(false), turns: fc.nat({ max: 8 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('discard' as const), page }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('retryFailed' as const), page }) },
)

export const scenario: fc.Arbitrary<Scenario> = fc.record({
  pages: fc.integer({ min: 1, max: 2 }),
  online: fc.boolean(),
  existing: fc.nat({ max: 2 }),
  steps: fc.array(step, { minLength: 1, maxLength: 40, size: 'max' }),
})
