import { createNextState } from '@reduxjs/toolkit'
import { seqPath, trieEach, trieGet, type TriePath } from '../core/trie'
import { mayHaveBeenSent } from '../slices/outbox/operationLedger'
import type { OutboxState } from '../slices/outboxState'
import type { Operation } from '../types'
import { lookupOf, withServerIds, type Assignment, type IdLookup } from './assignments'

/**
 * The sync slice after an `opsSettled` that confirmed creates under server ids (`before` is the slice
 * before it): the operations still queued, parked or failed on those records name the server id, every
 * operation whose reference field names a temporary id names the server id instead, and the id map
 * (`assignedIds`) records each pair. Only assignments that answered the operation at their seq (under its
 * id, of the signed-in user: Durability invariant 4) count. Unchanged operations keep their identity.
 */
export function remapOutbox(
  before: OutboxState | undefined,
  after: OutboxState,
  assignments: readonly Assignment[],
  fieldsOf: (entity: string) => ReadonlyArray<readonly [string, string]>,
): OutboxState {
  const answered = assignments.filter(({ seq, opId }) => {
    const op = before && trieGet(before.ops, seqPath(seq))
    return op !== undefined && op.id === opId && op.userId === before!.userId
  })
  if (answered.length === 0) return after
  const lookup = lookupOf(answered)
  const changed: Array<['ops' | 'failed', TriePath, Operation]> = []
  const visit = (where: 'ops' | 'failed') => (op: Operation) => {
    const next = rewritten(op, lookup, fieldsOf(op.entity))
    if (next !== op) changed.push([where, seqPath(op.seq), next])
  }
  trieEach(after.ops, visit('ops'))
  trieEach(after.failed, visit('failed'))
  return createNextState(after, (draft) => {
    for (const [where, [top, mid, leaf], op] of changed) draft[where][top]![mid]![leaf] = op
    const map = (draft.assignedIds ??= {})
    for (const { entity, localId, serverId } of answered) (map[entity] ??= {})[String(localId)] = serverId
  })
}

/**
 * The operation with the server ids of `lookup` in place of temporary ones, or itself when it names none.
 * The references of one that may have been sent stay as they went (Durability invariant 1: its body never
 * changes; chaos seeds 21584 and 21983, a record deleted and created again under a new id).
 */
function rewritten(op: Operation, lookup: IdLookup, fields: ReadonlyArray<readonly [string, string]>): Operation {
  const recordId = lookup.get(op.entity)?.get(String(op.recordId))
  const data = op.data === null || fields.length === 0 || mayHaveBeenSent(op) ? op.data : withServerIds(op.data, fields, lookup)
  if (recordId === undefined && data === op.data) return op
  return { ...op, recordId: recordId ?? op.recordId, data }
}
