import { SyncSetupError } from '../core/errors'
import type { ServerIdsPlugin, ServerIdsRuntime } from '../slices/serverIdsPlugin'
import type { EntityInternals } from '../slices/createSyncedEntity'
import type { OutboxState } from '../slices/outboxState'
import { selectOutbox } from '../slices/selectOutbox'
import { assignmentsOf, lookupOf, referencingFields, storedLookup, withServerIds } from './assignments'
import { deletionsSeen } from './deletionsSeen'
import { remapEntity } from './remapEntity'
import { remapOutbox } from './remapOutbox'
import { settleAssigned } from './settleAssigned'
import { translateIds } from './translateIds'
import { waitsForCreate } from './waitsForCreate'

/** Builds the hooks of one createOfflineSync instance whose entities include some with `serverIds`. */
function install({ reducerPath, entities }: { reducerPath: string; entities: ReadonlyMap<string, EntityInternals> }): ServerIdsRuntime {
  const assigning = new Set([...entities].filter(([, entity]) => entity.serverIds).map(([name]) => name))
  // A reference to an entity the server does not give ids to, or to none at all, is a setup mistake.
  if (process.env.NODE_ENV !== 'production')
    for (const [name, entity] of entities)
      for (const [field, target] of Object.entries(entity.references))
        if (!assigning.has(target))
          throw new SyncSetupError(
            `references.${field} of "${name}" names "${target}", ${entities.has(target) ? 'which has no `serverIds`' : 'which is not among createOfflineSync({ entities })'}: references name entities created with serverIds: serverAssignedIds().`,
          )
  const fields = new Map([...entities].map(([name, entity]) => [name, referencingFields(entity.references, assigning)]))
  const fieldsOf = (entity: string) => fields.get(entity) ?? []
  const outboxOf = (rootState: unknown): OutboxState => selectOutbox(rootState, reducerPath)
  const deletions = deletionsSeen(entities)
  return {
    entity(slice, state, action) {
      const assignments = assignmentsOf(action)
      if (!assignments) return state
      const own = assignments.filter((assignment) => assignment.entity === slice.name)
      return remapEntity(state, own, fieldsOf(slice.name), lookupOf(assignments))
    },
    outbox(before, after, action) {
      const assignments = assignmentsOf(action)
      return assignments ? remapOutbox(before, after, assignments, fieldsOf) : after
    },
    waits: (op, rootState) => waitsForCreate(op, rootState, entities, fieldsOf),
    settle: (results, rootState) => settleAssigned(results, outboxOf(rootState), rootState, entities, fieldsOf),
    outgoing(operation, rootState) {
      const assigning = entities.get(operation.entity)?.serverIds !== undefined && operation.kind === 'create'
      // Made in a tab that had not heard of the create's answer yet, it may still name the temporary id:
      // sent with the server's (a pure function of the operation and the pairs, so every tab sends the same
      // body). Only the first time: the body it went with is stored with its sent mark, and a pair learned
      // since (a record deleted and created again under a new id) must not change it (Durability invariant
      // 1; chaos seeds 21584 and 21983: the create went again with another reference, 422, then twice).
      const data =
        operation.data && operation.attempts === 0 ? withServerIds(operation.data, fieldsOf(operation.entity), storedLookup(outboxOf(rootState).assignedIds)) : operation.data
      return assigning || data !== operation.data ? { ...operation, data, ...(assigning ? { serverAssignsId: true } : {}) } : operation
    },
    beforeAction(action, rootState) {
      deletions.note(action, rootState)
      return translateIds(action, (rootState as Record<string, OutboxState | undefined>)?.[reducerPath], entities, fieldsOf, rootState)
    },
    deletedWhileOut: (batch) => deletions.whileOut(batch),
  }
}

const plugin: ServerIdsPlugin = { '~rtkOfflineServerIds': true, install }

/**
 * Lets the server give an entity's records their ids: pass it as `createSyncedEntity({ serverIds })`.
 * The id a record is added with (yours, e.g. `crypto.randomUUID()`) is temporary. When the server
 * confirms the create, its answer's record carries the server's id, and in one step (one action, so no
 * render sees half of it) the record, its pending operations and the `references` to it in other
 * entities move to that id. Operations that refer to a record not created yet wait for its create and
 * fail with it if the server refuses it. `selectServerId` / `selectLocalId` read the
 * pairs, e.g. for React keys that stay stable. See docs/server-ids.md.
 *
 * @example
 * ```ts
 * const lists = createSyncedEntity<List>({ name: 'lists', serverIds: serverAssignedIds() })
 * const items = createSyncedEntity<Item>({ name: 'items', serverIds: serverAssignedIds(), references: { listId: 'lists' } })
 * ```
 */
export function serverAssignedIds(): ServerIdsPlugin {
  return plugin
}
