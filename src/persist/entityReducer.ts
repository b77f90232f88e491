import { current, isDraft, type EntityId, type UnknownAction } from '@reduxjs/toolkit'
import { deepFreeze, deepFreezeAcyclic } from '../core/deepFreeze'
import { replay } from '../core/change'
import { idPath, trieSet, trieValues, type Trie } from '../core/trie'
import { rehydrated, tabSynced, type RehydratePayload, type StoredEntity } from '../slices/actions'
import type { EntitySlice, PendingChange, PendingRecord, SyncedEntityState } from '../slices/createSyncedEntity'

// The synced entity slices' reducers of persistence's actions (the restore, a live tab's state): joined to
// each entity by createOfflineSync from its `persist` option, so an app that never persists bundles none
// of them (they were cases of createSyncedEntity's slice until issue 10).

type Rec = Record<string, unknown>
type State = SyncedEntityState<Rec>

/**
 * An entity slice's state after `action` when it is one of persistence's (`rehydrated`, `tabSynced`);
 * undefined for any other action. `state` may be an immer draft (the slice reduced inside another immer
 * reducer): the new state is built from a plain snapshot of it.
 */
export function reducePersistedEntity(entity: EntitySlice, state: State, action: UnknownAction): State | undefined {
  // Frozen here, deeply, as immer would freeze it: a new state returned unfrozen is walked by immer
  // first, value by value, for drafts it might hold (it holds none), which at 10,000 records cost a
  // third of a restore. A frozen one it takes as is. (deepFreeze: immer's freeze costs 3× on JSON.)
  if (rehydrated.match(action)) return deepFreezeAcyclic(merge(entity, isDraft(state) ? (current(state) as State) : state, action.payload))
  if (tabSynced.match(action)) {
    // The live tab's slice, as is (its view, confirmed shadows and pending changes belong together).
    const live = action.payload.entities[entity.name] as State | undefined
    if (!live || typeof live !== 'object' || !Array.isArray(live.ids) || typeof live.entities !== 'object' || typeof live.pending !== 'object')
      return state
    // Frozen as immer froze it when this was a case of the slice (a new state a reducer returns). The
    // slice's local fields (createSyncedEntity's initialState) are this tab's own: they stay.
    const own = isDraft(state) ? (current(state) as State) : state
    return deepFreeze({ ...own, ids: live.ids, entities: live.entities, pending: live.pending })
  }
  return undefined
}

/** What a restore knows of one record id (see merge). */
interface Slot {
  id: EntityId
  /** Its view, as stored or replayed; undefined when the view does not hold it. */
  record: Rec | undefined
  /** Whether the stored (or the app's) view holds it, which gives its place. */
  shown: boolean
  shadow: StoredEntity['bases'][number] | undefined
  changes: PendingChange[] | undefined
}

/**
 * Merges what storage held with what was dispatched before the restore finished. Stored operations are
 * the truth for what is pending (the stored view may be older than them); the stored shadows are the
 * confirmed state; changes made meanwhile are replayed after the stored ones.
 */
function merge({ name, selectId }: EntitySlice, state: State, payload: RehydratePayload): State {
  const stored = payload.entities[name] ?? { records: [], bases: [] }
  // One slot per record id, in one Map (10,000 records on a restore: a Map each for the view, the bases
  // and the changes, then a Set to drop repeated ids, cost a fifth of the restore in allocations).
  // The view's order: stored records, then the app's own, then records only the pending changes bring.
  const slots = new Map<EntityId, Slot>()
  /** The slots the view holds, in its order. */
  const view: Slot[] = []
  // Index loops here and below: this runs once per restore, mostly unoptimised, where for…of makes an
  // iterator result per element (2 MB on 10,000 records).
  for (let index = 0; index < stored.records.length; index++) {
    const record = stored.records[index]!
    const id = selectId(record)
    const slot = slots.get(id)
    if (slot) slot.record = record
    else {
      const created: Slot = { id, record, shown: true, shadow: undefined, changes: undefined }
      slots.set(id, created)
      view.push(created)
    }
  }
  // Each record's confirmed state (the base) and the one its changes were made on, as stored: the stored
  // entries themselves. Older stores kept only the base; then the changes were made on it.
  /** Ids with a stored shadow or stored changes, in the order they are replayed (shadows first, as stored). */
  const touched: Slot[] = []
  const slotOf = (id: EntityId): Slot => {
    let slot = slots.get(id)
    if (!slot) slots.set(id, (slot = { id, record: undefined, shown: false, shadow: undefined, changes: undefined }))
    return slot
  }
  for (let index = 0; index < stored.bases.length; index++) {
    const entry = stored.bases[index]!
    const slot = slotOf(entry[0])
    if (!slot.shadow) touched.push(slot)
    slot.shadow = entry
  }
  const withChanges: Slot[] = []
  for (let index = 0; index < payload.ops.length; index++) {
    const op = payload.ops[index]!
    if (op.entity !== name || op.status === 'failed') continue
    const slot = slotOf(op.recordId)
    const change: PendingChange = { seq: op.seq, kind: op.kind, data: op.data }
    if (slot.changes) slot.changes.push(change)
    else {
      slot.changes = [change]
      if (!slot.shadow) withChanges.push(slot)
    }
  }
  const renumber = payload.renumber.length > 0 ? new Map(payload.renumber) : null
  for (const entry of trieValues(state.pending)) {
    const slot = slotOf(entry.id)
    if (!slot.changes) {
      slot.changes = []
      if (!slot.shadow) withChanges.push(slot)
    }
    for (const change of entry.changes) slot.changes.push({ ...change, seq: renumber?.get(change.seq) ?? change.seq })
    if (!slot.shadow && !slot.shown) {
      slot.shadow = [entry.id, entry.base, entry.madeOn]
      touched.push(slot)
    }
  }
  // Records the app had before the restore that storage does not know (preloaded state) stay.
  for (const id of state.ids) {
    const slot = slotOf(id)
    if (!slot.shown && !slot.changes) {
      slot.record = state.entities[id]!
      slot.shown = true
      view.push(slot)
    }
  }
  const pending: Trie<PendingRecord<Rec>> = {}
  let late: Slot[] | null = null
  for (const list of [touched, withChanges])
    for (let index = 0; index < list.length; index++) {
      const slot = list[index]!
      // Replayed with the shadows when it has one (set by a change made before the restore).
      if (list === withChanges && slot.shadow) continue
      const id = slot.id
      const base = slot.shadow ? slot.shadow[1] : (slot.record ?? null)
      const changes = slot.changes ?? []
      const record = replay(base, changes)
      // Built here and set once below: an adapter call per record would copy the whole entity map
      // each time (measured: 40.9 s to restore 10,000 operations and records that way).
      slot.record = record ?? undefined
      if (record !== null && !slot.shown) (late ??= []).push(slot)
      if (changes.length > 0)
        trieSet(pending, idPath(id), { id, base, madeOn: slot.shadow && slot.shadow.length > 2 ? slot.shadow[2]! : base, changes })
    }
  // The view built directly as the adapter's setAll builds it (ids in order, the first of an id kept):
  // setAll on a plain state runs an immer produce of its own that proxies every record.
  const ids: EntityId[] = []
  const entities: Record<EntityId, Rec> = {}
  const add = (slot: Slot) => {
    const record = slot.record
    if (record === undefined) return
    const id = selectId(record)
    if (Object.prototype.hasOwnProperty.call(entities, id)) return
    ids.push(id)
    entities[id] = record
  }
  for (let index = 0; index < view.length; index++) add(view[index]!)
  if (late) for (const slot of late) add(slot)
  // The slice's local fields (createSyncedEntity's initialState) are not stored: they stay as they are.
  return { ...state, ids, entities, pending }
}
