import type { PullPage } from '../../adapters/types'
import { SyncAdapterError } from '../../core/errors'
import { trieEach } from '../../core/trie'
import type { Settlement } from '../../slices/actions'
import type { OutboxState } from '../../slices/outboxState'
import type { Operation } from '../../types'
import { checkOutcome } from '../checkOutcome'
import { settleOutcomes, type SettleContext } from '../settleOutcomes'
import type { SyncEngine } from '../syncHandler'
import { recordIdOf } from './pendingRecords'
import { toOutgoing } from './sendableBatch'
import { stillAnswering } from './stillAnswering'

/** The most operation ids one pull request names in `unanswered`; the rest are asked by the next pages or pulls. */
export const MAX_UNANSWERED = 100

/**
 * Whether an operation waits for the answer to a request that may have reached the backend: sent at
 * least once (a restore keeps the count), not in flight now (its request's own answer will come), not
 * parked (answered with a conflict already), and of the signed-in user (never ask in another user's name).
 */
function awaitsLostAnswer(op: Operation, state: OutboxState): boolean {
  return op.status === 'pending' && op.attempts > 0 && op.userId === state.userId
}

/**
 * Confirmation by pull, the ask: ids of `entity`'s operations whose answer may have been lost (the
 * request failed on its way back, timed out, or the app crashed with it on the wire), oldest first, at
 * most {@link MAX_UNANSWERED}, leaving out those in `skip` (already asked in this pull).
 */
export function unansweredOf(state: OutboxState, entity: string, skip: ReadonlySet<string>): string[] {
  const ids: string[] = []
  trieEach(state.ops, (op) => {
    if (op.entity !== entity || skip.has(op.id) || !awaitsLostAnswer(op, state)) return
    ids.push(op.id)
    if (ids.length === MAX_UNANSWERED) return false
  })
  return ids
}

/**
 * Confirmation by pull, the settling: turns a page's `answered` into settlements of the operations
 * asked about, exactly as answers to `push` (the same checkOutcome, the same settleOutcomes, the same
 * reducers), to be dispatched once the page's changes are applied.
 *
 * Durability invariant 4 (an answer is applied only to the operation it answers): an answer counts
 * only for an id this pull asked about (`asked`), whose operation is still in the outbox under that id,
 * of this entity and of the signed-in user, and waits for a lost answer (not in flight: its request's
 * own answer settles it, a replay of the same stored answer; not parked or gone: settled already). The
 * reducers check id, seq and user again (stillAnswering, isAnswered), so a user switch or another
 * tab's settlement in between changes nothing.
 *
 * Durability invariant 5 (nothing trusted): an `answered` that is not a list, an entry without a string
 * id, or an outcome checkOutcome refuses (a record that is another record, a malformed error) is
 * reported to `onError` and ignored: the operation is then sent again under its idempotency key, as it
 * would have been without confirmation by pull.
 *
 * Durability invariant 1 (a sent operation is frozen: its id and body never change) is what makes a
 * stored answer for an id the answer for this very operation; invariant 7 (exactly-once needs the
 * server) is why it can be trusted: the backend stored it with the change, in one transaction.
 *
 * Durability invariant 3 (confirmed state never moves backwards) is kept by the order: the page is
 * applied first, so an answer's record older than what the page brought confirms the operation without
 * replacing the newer record (createSyncedEntity's settle compares versions as for a late push answer).
 */
export function settlePulledAnswers(
  engine: SyncEngine,
  entity: string,
  asked: readonly string[],
  answered: PullPage['answered'] | unknown,
  context: SettleContext,
): Settlement[] {
  if (answered === undefined || asked.length === 0) return []
  const report = (problem: string) =>
    engine.config.onError(
      new SyncAdapterError(
        `The adapter's pull of "${entity}" answered an unanswered operation malformed: ${problem}. It was ignored; the operation will be sent again under its idempotency key.`,
      ),
      { raisedBy: 'adapter' },
    )
  if (!Array.isArray(answered)) {
    report('`answered` must be a list of { id, outcome }')
    return []
  }
  const state = engine.outbox()
  const waiting = new Set(asked)
  const ops = new Map<string, Operation>()
  trieEach(state.ops, (op) => {
    if (op.entity === entity && waiting.has(op.id)) ops.set(op.id, op)
  })
  const sent: Operation[] = []
  const outcomes: Parameters<typeof settleOutcomes>[1][number][] = []
  for (const entry of answered as unknown[]) {
    const { id, outcome } = (typeof entry === 'object' && entry !== null ? entry : {}) as { id?: unknown; outcome?: unknown }
    if (typeof id !== 'string') {
      report('an entry needs the operation id as a string')
      continue
    }
    // Asked about once; a second answer for the same id is the adapter's mistake, and ignored.
    if (!waiting.delete(id)) continue
    const op = ops.get(id)
    if (!op || !awaitsLostAnswer(op, state)) continue
    const checked = checkOutcome(outcome, toOutgoing(engine, op), recordIdOf.bind(null, engine))
    if (typeof checked === 'string') {
      report(`${checked} (operation ${id})`)
      continue
    }
    // settleOutcomes counts the request it settles as one more attempt (`attempts + 1`), as a push
    // answer comes before its send is counted in the operation it holds; this answer's send is counted
    // already, so a 'retry' gives up after exactly `maxAttempts` sends, as for push.
    sent.push({ ...op, attempts: op.attempts - 1 })
    outcomes.push(checked)
  }
  if (sent.length === 0) return []
  return stillAnswering(engine.outbox(), settleOutcomes(sent, outcomes, { ...context, storedAnswers: true }).results)
}
