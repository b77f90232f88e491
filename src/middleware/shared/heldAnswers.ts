import { opsSettled, type Settlement } from '../../slices/actions'
import type { Operation } from '../../types'
import type { SyncEngine } from '../syncHandler'
import { pendingOf } from './pendingRecords'
import { stillAnswering } from './stillAnswering'
import { settleUnrecorded } from './unrecordedBatch'

/**
 * How long answers may be held after a settle, as a multiple of what that settle cost: the drain then
 * spends at most about 1/(1 + HOLD_FACTOR) of its time settling, however large the store.
 */
const HOLD_FACTOR = 8

/**
 * Answers are held only where a settle has a cost the engine's clock can see (more than this, in ms). On a
 * small store a settle (0.1-0.2 ms) shows only when it straddles a millisecond tick, and the moving average
 * then stays above zero: holding still pays there, since one request at a time the settle runs while the
 * next request is on the wire instead of before it leaves (issue 10: the drain's time between requests
 * halved). Under a test's fixed clock a settle costs 0 and every answer settles at once.
 */
const HOLD_ABOVE_MS = 0

/**
 * At most this many answers are held: each pick walks past the operations they keep in flight, so an
 * adapter that answers before any timer turn (in memory) would otherwise make picks cost O(held).
 */
const MAX_HELD = 500

/** One batch's confirmations, and whether they may still be applied (not after a stop or a user switch). */
interface HeldBatch {
  batch: readonly Operation[]
  results: Settlement[]
  isCurrent: () => boolean
}

/**
 * Confirmations the drain has received and not yet dispatched, so that the answers of several batches
 * settle in one `opsSettled`. Why: a confirmation writes the server's record into the entity view, and an
 * immutable update of the view copies its whole `entities` map, O(records) (about 10 ms at 10,000 records),
 * so one dispatch per batch made a drain over a large store CPU-bound on those copies, and one request at a
 * time paid the copy on every request.
 *
 * Answers are held only where a settle costs measurable time (by the engine's clock), only for batches whose every
 * answer is a confirmation (anything else settles at once, after what is held), and never for long: the
 * drain holds them while it sends the next batches, and `during` settles them once it has waited HOLD_FACTOR
 * times what the last settle cost (the settle then runs while the next request is on the wire). Whatever is held
 * is settled before the drain ends, before it picks a batch that an answer held would change (a held
 * record with later changes queued), and before anything else is settled. A held answer changes nothing
 * else: its operation stays in flight (never picked, never merged into) until it is settled, as if the
 * answer had come later; a stop or a user switch meanwhile drops it like any late answer (Durability
 * invariant 4), and the operation goes again under its key.
 */
export function heldAnswers(engine: SyncEngine, onSettled: (results: readonly Settlement[]) => void) {
  const { config, api } = engine
  let held: HeldBatch[] = []
  /** The answers in `held`. */
  let heldAnswerCount = 0
  /** config.now() until which answers may stay held (HOLD_FACTOR × the last settle's cost after it). */
  let holdUntil = 0
  /**
   * What a settle costs, in `now`'s milliseconds: a moving average, so a clock that ticks by whole
   * milliseconds still gives sub-millisecond costs their due (a 0.1 ms settle reads 1 ms one time in ten).
   */
  let cost: number | null = null
  /** At wouldChangePick's last look: the entities' pending tries, how many held batches it saw, and the oldest seq queued after one of their records. */
  let looked: { tries: unknown[]; count: number; oldestNext: number } = { tries: [], count: 0, oldestNext: Infinity }

  /** Settles held answers that may still be applied, in one dispatch. */
  function settle(): void {
    if (held.length === 0) return
    const current = held.filter((batch) => batch.isCurrent())
    held = []
    heldAnswerCount = 0
    looked = { tries: [], count: 0, oldestNext: Infinity }
    if (current.length === 0) return
    const started = config.now()
    const results = stillAnswering(
      engine.outbox(),
      current.flatMap((batch) => batch.results),
    )
    try {
      api.dispatch(opsSettled({ at: started, verdict: 'answered', results }))
      onSettled(results)
    } catch (error) {
      // As for a batch settled at once: whatever threw, these go again later (same idempotency keys).
      config.onError(error, { raisedBy: 'drain' })
      settleUnrecorded(
        engine,
        current.flatMap((batch) => batch.batch),
        error,
      )
    }
    const finished = config.now()
    cost = cost === null ? finished - started : cost * 0.8 + (finished - started) * 0.2
    holdUntil = finished + HOLD_FACTOR * cost
  }

  return {
    /** Holds a batch's confirmations (every answer `confirmed`), to be settled with later ones. */
    hold(batch: readonly Operation[], results: Settlement[], isCurrent: () => boolean): void {
      held.push({ batch, results, isCurrent })
      heldAnswerCount += results.length
    },
    settle,
    /**
     * Whether holding answers pays: settles cost more than HOLD_ABOVE_MS (by `now`, so never under a test's
     * fixed clock).
     */
    worthHolding: (): boolean => cost !== null && cost > HOLD_ABOVE_MS && heldAnswerCount < MAX_HELD,
    /** Whether answers are held. */
    holding: (): boolean => held.length > 0,
    /**
     * Whether settling what is held would change this pick: a held record's next change would be in it (it
     * is older than the last operation picked, or the batch has room), as it would be had the answer been
     * settled on arrival. The drain then settles and picks again, so operations still go oldest first.
     */
    wouldChangePick(batch: readonly Operation[], limit: number, byPriority: boolean): boolean {
      if (held.length === 0) return false
      const root = api.getState()
      // The oldest later change of a held record, kept from the last look while no change was queued
      // since (the pending tries are the same objects): then only the answers held since need a look.
      const tries = [...config.entities.values()].map((entity) => entity.selectState(root).pending)
      const unchanged = tries.length === looked.tries.length && tries.every((trie, index) => trie === looked.tries[index])
      if (!unchanged) looked = { tries, count: 0, oldestNext: Infinity }
      for (; looked.count < held.length; looked.count++)
        for (const result of held[looked.count]!.results) {
          const next = pendingOf(engine, result, root)?.changes.find((change) => change.seq !== result.seq)
          if (next && next.seq < looked.oldestNext) looked.oldestNext = next.seq
        }
      const last = batch[batch.length - 1]
      return looked.oldestNext !== Infinity && (byPriority || batch.length < limit || last === undefined || looked.oldestNext < last.seq)
    },
    /**
     * Waits for `promise`; if answers are held and a timer turn passes first (or, on a large store, the
     * hold time is up), settles them meanwhile.
     */
    async during<T>(promise: Promise<T>): Promise<T> {
      if (held.length === 0) return promise
      let handle: unknown
      const timeUp = new Promise<'time'>((resolve) => {
        handle = config.timers.setTimeout(() => resolve('time'), Math.max(0, holdUntil - config.now()))
      })
      const first = await Promise.race([
        promise.then(
          () => 'done' as const,
          () => 'done' as const,
        ),
        timeUp,
      ])
      config.timers.clearTimeout(handle)
      if (first === 'time') settle()
      return promise
    },
  }
}
