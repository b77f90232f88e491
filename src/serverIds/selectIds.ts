import type { EntityId } from '@reduxjs/toolkit'
import { selectOutbox } from '../slices/selectOutbox'

/** The server id of each temporary id of one entity, as the sync slice keeps them. */
function pairsOf(state: unknown, entity: string, reducerPath: string): Record<string, EntityId> | undefined {
  const assigned = selectOutbox(state, reducerPath).assignedIds
  return assigned && Object.hasOwn(assigned, entity) ? assigned[entity] : undefined
}

/**
 * Server-assigned ids: the id the server gave a record created here under `localId` (entities with
 * `serverIds`), or undefined while it has none (its create is not confirmed yet, or it was not made here).
 * `reducerPath` is createOfflineSync's (`'offline'` unless you chose another).
 *
 * @example
 * selectServerId(store.getState(), 'lists', draftId) // '42' once the server has created the list
 */
export function selectServerId(state: unknown, entity: string, localId: EntityId, reducerPath = 'offline'): EntityId | undefined {
  const pairs = pairsOf(state, entity, reducerPath)
  return pairs && Object.hasOwn(pairs, String(localId)) ? pairs[String(localId)] : undefined
}

/** The temporary id of each server id, per map of pairs (built once per map: it is replaced, never changed). */
const reversed = new WeakMap<object, Map<string, string>>()

/**
 * Server-assigned ids: the temporary id a record now under `serverId` was created with here, or
 * undefined. Key React rows with it so they stay the same row when the id changes:
 * `key={selectLocalId(state, 'items', item.id) ?? item.id}`.
 */
export function selectLocalId(state: unknown, entity: string, serverId: EntityId, reducerPath = 'offline'): EntityId | undefined {
  const pairs = pairsOf(state, entity, reducerPath)
  if (!pairs) return undefined
  let local = reversed.get(pairs)
  if (!local) reversed.set(pairs, (local = new Map(Object.entries(pairs).map(([temporary, assigned]) => [String(assigned), temporary]))))
  return local.get(String(serverId))
}
