import type { EntityId, UnknownAction } from '@reduxjs/toolkit'
import type { OfflineMeta } from '../slices/actions'
import type { EntityActionMeta, EntityInternals } from '../slices/createSyncedEntity'
import type { OutboxState } from '../slices/outboxState'
import { storedLookup, withServerIds } from './assignments'

type Rec = Record<string, unknown>

/**
 * An entity action as the app dispatched it, with temporary ids the server has replaced since put right:
 * the id of an update or removal of a record of an entity with `serverIds`, and reference fields of
 * records added and of changes. A screen may still hold a temporary id when the create is confirmed (a
 * form opened on the new record, a row clicked as its id changed): its change goes to the record under its
 * server id, never to a record that no longer exists. The same for the operations of an action stamped
 * already (another tab's). Anything else passes as it is.
 */
export function translateIds(
  action: UnknownAction,
  outbox: OutboxState | undefined,
  entities: ReadonlyMap<string, EntityInternals>,
  fieldsOf: (entity: string) => ReadonlyArray<readonly [string, string]>,
  rootState: unknown,
): UnknownAction {
  const meta = (action as { meta?: EntityActionMeta }).meta
  if (meta?.offlineEntity === undefined || outbox?.assignedIds === undefined) return action
  const name = meta.offlineEntity
  const entity = entities.get(name)
  if (!entity) return action
  const lookup = storedLookup(outbox.assignedIds)
  const own = entity.serverIds ? lookup.get(name) : undefined
  const fields = fieldsOf(name)
  const view = own ? entity.selectState(rootState).entities : {}
  const id = (value: unknown): unknown => {
    if (!own || (typeof value !== 'string' && typeof value !== 'number') || String(value) in view) return value
    return own.get(String(value)) ?? value
  }
  const record = (value: unknown): unknown =>
    fields.length > 0 && typeof value === 'object' && value !== null && !Array.isArray(value) ? withServerIds(value as Rec, fields, lookup) : value
  const update = (value: unknown): unknown => {
    if (typeof value !== 'object' || value === null) return value
    const { id: target, changes } = value as { id?: unknown; changes?: unknown }
    const nextId = id(target)
    const nextChanges = record(changes)
    return nextId === target && nextChanges === changes ? value : { ...value, id: nextId as EntityId, changes: nextChanges }
  }
  // Stamped already: another tab's action (or this tab's applied again), made before that tab heard of the
  // create's answer. Its operations name the temporary id: put on the server id, as this tab's own change
  // would be, or they would be made on a record that no longer exists here and dropped (chaos seed 18774).
  // Reference fields are put right when the operation is sent (ServerIdsRuntime.outgoing).
  const stamped = meta.offline !== undefined ? translateStamps(meta.offline, id) : undefined
  const translated = stamped === undefined ? action : { ...action, meta: { ...meta, offline: stamped } }
  const kind = action.type.slice(name.length + 1)
  const one = kind.startsWith('added') ? record : kind.startsWith('updated') ? update : kind.startsWith('removed') ? id : undefined
  if (!one) return translated
  const payload = (action as { payload?: unknown }).payload
  if (kind.endsWith('Many')) {
    if (!Array.isArray(payload)) return translated
    const next = payload.map(one)
    return next.some((item, index) => item !== payload[index]) ? { ...translated, payload: next } : translated
  }
  const next = one(payload)
  return next === payload ? translated : { ...translated, payload: next }
}

/** The stamps with each temporary record id the server has replaced put to its server id; undefined when none is. */
function translateStamps(offline: OfflineMeta, id: (value: unknown) => unknown): OfflineMeta | undefined {
  let changed = false
  const stamps = offline.stamps.map((stamp) => {
    const recordId = id(stamp.recordId) as EntityId
    if (recordId === stamp.recordId) return stamp
    changed = true
    return { ...stamp, recordId }
  })
  return changed ? { ...offline, stamps } : undefined
}
