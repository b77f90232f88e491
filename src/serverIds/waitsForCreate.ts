import type { EntityId } from '@reduxjs/toolkit'
import { idPath, trieGet } from '../core/trie'
import type { EntityInternals, PendingRecord } from '../slices/createSyncedEntity'
import type { Operation } from '../types'

type Fields = (entity: string) => ReadonlyArray<readonly [string, string]>

/**
 * The pending record of a record of an entity with `serverIds` that is not created on the server yet (its
 * create is still among its pending changes: queued, in flight or parked, so its id is temporary), or
 * undefined.
 */
function temporary(entity: EntityInternals, id: EntityId, rootState: unknown): PendingRecord<Record<string, unknown>> | undefined {
  const entry = trieGet(entity.selectState(rootState).pending, idPath(id))
  return entry !== undefined && entry.base === null && entry.changes.some((change) => change.kind === 'create') ? entry : undefined
}

/** The temporary records a change's data refers to, as [entity, id]. */
function temporaryReferences(
  entity: string,
  data: Record<string, unknown> | null,
  rootState: unknown,
  entities: ReadonlyMap<string, EntityInternals>,
  fieldsOf: Fields,
): Array<[string, EntityId, PendingRecord<Record<string, unknown>>]> {
  const found: Array<[string, EntityId, PendingRecord<Record<string, unknown>>]> = []
  if (data === null) return found
  for (const [field, target] of fieldsOf(entity)) {
    const value = data[field]
    if (typeof value !== 'string' && typeof value !== 'number') continue
    const entry = temporary(entities.get(target)!, value, rootState)
    if (entry) found.push([target, value, entry])
  }
  return found
}

/**
 * Whether an operation must wait: a reference field of its data names a record whose create the server
 * has not confirmed (it is sent once that create is, with the server's id put in by the remap). A
 * record's own later operations wait behind its create already (one operation per record in flight).
 *
 * Two cases cannot wait, or nothing would ever be sent, and go with the temporary id in that field: a
 * create that refers to its own record (an update merged into it), and the oldest create of a cycle of
 * creates not yet confirmed that refer to each other (only merged updates make one; the others of the
 * cycle wait for it). The docs say to set such fields in an update once the creates are confirmed.
 */
export function waitsForCreate(op: Operation, rootState: unknown, entities: ReadonlyMap<string, EntityInternals>, fieldsOf: Fields): boolean {
  const self = `${op.entity}\u0000${String(op.recordId)}`
  const references = temporaryReferences(op.entity, op.data, rootState, entities, fieldsOf).filter(
    ([entity, id]) => `${entity}\u0000${String(id)}` !== self,
  )
  if (references.length === 0) return false
  if (op.kind !== 'create') return true
  // Does any of them wait, through the creates of temporary records, for this record's create? Then the
  // oldest create of those goes first (the others wait for it as usual), so only one carries a temporary id.
  const seen = new Set<string>([self])
  const stack = references
  let cycle = false
  let oldest = Infinity
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [entity, id, entry] = next
    const key = `${entity}\u0000${String(id)}`
    if (seen.has(key)) continue
    seen.add(key)
    const create = entry.changes.find((change) => change.kind === 'create')!
    oldest = Math.min(oldest, create.seq)
    for (const reference of temporaryReferences(entity, create.data, rootState, entities, fieldsOf)) {
      if (`${reference[0]}\u0000${String(reference[1])}` === self) cycle = true
      else stack.push(reference)
    }
  }
  return !(cycle && op.seq < oldest)
}
