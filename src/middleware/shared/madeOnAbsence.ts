import type { SyncOutcome } from '../../adapters/types'
import type { Operation } from '../../types'
import type { SyncEngine } from '../syncHandler'
import { pendingOf } from './pendingRecords'

/**
 * Durability invariant 3 (confirmed state never moves backwards), for the rule that updates and deletes
 * carry the version they were made on: a change made on a record the server does not have (its confirmed
 * state when it was made, and still, is the record's absence: a 404 conflict or our own confirmed
 * delete said so; no version to stamp, none stored) has no If-Match to send. Sent without one, it would
 * delete or overwrite a record someone else created again since, which it was never made on (chaos
 * seed 4939: a delete made while an edit was parked over the server's deletion removed another
 * client's "keep mine" create). It gets here the answer a server gives a change that must find the
 * record absent, from what we know of the server: nothing there, a delete is done and an update meets
 * the deletion as a conflict (as a 404 answers them); a record a pull brought since (created again),
 * a conflict with that record. A record created again that no pull brought yet comes with the next one.
 * (An entity whose records carry no version cannot tell this from a record whose confirmed copy a
 * crash kept from storage; its changes carry no If-Match anyway.)
 */
export function answerMadeOnAbsence(engine: SyncEngine, op: Operation): SyncOutcome | undefined {
  if (op.kind === 'create' || op.baseVersion !== null) return undefined
  const pending = pendingOf(engine, op)
  if (!pending || pending.madeOn !== null) return undefined
  if (pending.base !== null) return { type: 'conflict', remote: pending.base }
  return op.kind === 'delete' ? { type: 'ok' } : { type: 'conflict', remote: null }
}
