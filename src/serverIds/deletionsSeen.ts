import type { UnknownAction } from '@reduxjs/toolkit'
import { idPath, trieGet } from '../core/trie'
import { pulledPage } from '../slices/actions'
import type { EntityInternals } from '../slices/createSyncedEntity'
import type { Operation } from '../types'

/**
 * Durability invariant 3, for creates whose ids the server assigns (chaos seed 16718). A pull may bring the
 * created record's tombstone while the create's answer is still on its way: under the server's id, which
 * this client cannot match to the temporary one yet, so nothing here notes the deletion, and the answer
 * (the record as the server applied it) would bring the record back after the cursor has passed its
 * tombstone. So tombstones are counted per entity (of records with no pending change here, which are not
 * ours under that id) as pulled pages come, and a create answered after the count moved counts as
 * `replayed`: the feed is read again from its start. Kept in memory: after a crash the create goes again,
 * and an answer to a create sent before counts as replayed anyway.
 */
export function deletionsSeen(entities: ReadonlyMap<string, EntityInternals>) {
  const counts = new Map<string, number>()
  return {
    /** Counts a pulled page's tombstones, before it is reduced. */
    note(action: UnknownAction, rootState: unknown): void {
      if (!pulledPage.match(action)) return
      const { entity: name, changes } = action.payload
      const entity = entities.get(name)
      if (!entity?.serverIds) return
      const pending = entity.selectState(rootState).pending
      let seen = 0
      for (const change of changes) if (change.record === null && trieGet(pending, idPath(change.id)) === undefined) seen += 1
      if (seen > 0) counts.set(name, (counts.get(name) ?? 0) + seen)
    },
    /** As a batch goes out: whether a tombstone of a create's entity has come by the time its answer does. */
    whileOut(batch: readonly Operation[]): ((op: Operation) => boolean) | undefined {
      const at = new Map<string, number>()
      for (const op of batch) if (op.kind === 'create' && entities.get(op.entity)?.serverIds) at.set(op.entity, counts.get(op.entity) ?? 0)
      if (at.size === 0) return undefined
      return (op) => at.has(op.entity) && (counts.get(op.entity) ?? 0) !== at.get(op.entity)
    },
  }
}
