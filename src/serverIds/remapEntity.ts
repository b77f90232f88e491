import { createNextState, isDraft, type EntityId } from '@reduxjs/toolkit'
import { replay } from '../core/change'
import { idPath, trieDelete, trieEach, trieGet, trieSet, type TriePath } from '../core/trie'
import type { PendingRecord, SyncedEntityState } from '../slices/createSyncedEntity'
import { withServerIds, type Assignment, type IdLookup } from './assignments'

type Rec = Record<string, unknown>
type State = SyncedEntityState<Rec>

/**
 * One entity slice before an `opsSettled` that confirms creates under server ids is settled: each such
 * record moved from its temporary id to its server id (its pending changes with it, its place in `ids`
 * kept), and every reference field of a pending change naming a temporary id put to the server id, the
 * view replayed from them. Confirmed states are left as the server holds them: a reference the server
 * has is the server's to change (chaos seeds 813 and 879: a record deleted on the server and created
 * again for client-wins gets a new id; what referred to the old one on the server still does). The
 * settle that follows in the same reducer call then finds the create under the server id, with the
 * server's record, as for any create. Unchanged records keep their identity.
 */
export function remapEntity(
  state: State,
  own: readonly Assignment[],
  fields: ReadonlyArray<readonly [string, string]>,
  lookup: IdLookup,
): State {
  // What changes is found on the state as it is, so immer makes drafts of those records only.
  const moves = own.filter(({ localId, seq }) => trieGet(state.pending, idPath(localId))?.changes.some((change) => change.seq === seq))
  const entries: TriePath[] = []
  if (fields.length > 0)
    trieEach(state.pending, (entry) => {
      if (entry.changes.some((change) => change.data !== null && withServerIds(change.data, fields, lookup) !== change.data)) entries.push(idPath(entry.id))
    })
  if (moves.length === 0 && entries.length === 0) return state
  const apply = (draft: State): void => {
    for (const path of entries) {
      const entry = trieGet(draft.pending, path)!
      for (const change of entry.changes) if (change.data !== null) change.data = withServerIds(change.data, fields, lookup)
      // The view is the replay of the changes on the confirmed state, which keeps what the server holds.
      const record = replay(entry.base, entry.changes)
      if (record !== null) draft.entities[String(entry.id)] = record
    }
    for (const move of moves) moveRecord(draft, move.localId, move.serverId)
  }
  if (isDraft(state)) {
    apply(state)
    return state
  }
  return createNextState(state, apply)
}

/**
 * Moves a record and its pending changes from its temporary id to its server id. When the server id is
 * there already (a pull brought the record before the create's answer came: the answer was lost and the
 * create sent again, or a reload replayed it), the two are one record: the pending changes join the
 * server id's, in seq order, over its confirmed state.
 */
function moveRecord(draft: State, localId: EntityId, serverId: EntityId): void {
  const from = idPath(localId)
  const entry = trieGet(draft.pending, from) as PendingRecord<Rec>
  trieDelete(draft.pending, from)
  const localKey = String(localId)
  const view = draft.entities[localKey]
  delete draft.entities[localKey]
  const index = draft.ids.findIndex((id) => String(id) === localKey)
  const to = idPath(serverId)
  const existing = trieGet(draft.pending, to)
  const known = String(serverId) in draft.entities
  if (existing) {
    existing.changes.push(...entry.changes)
    existing.changes.sort((a, b) => a.seq - b.seq)
  } else {
    entry.id = serverId
    // Its confirmed state is the record the server holds under that id, as far as this client knows.
    if (entry.base === null && known) entry.base = draft.entities[String(serverId)]!
    trieSet(draft.pending, to, entry)
  }
  if (index < 0) return
  if (known || existing) draft.ids.splice(index, 1)
  else {
    // The same place in the view: a list does not jump when its row gets its server id.
    draft.ids[index] = serverId
    if (view !== undefined) draft.entities[String(serverId)] = view
  }
}
