import type { EntityInternals } from '../slices/createSyncedEntity'
import type { OutboxState, PullProgress } from '../slices/outboxState'
import type { Operation } from '../types'

/**
 * Durability invariant 3, for creates whose ids the server assigns (chaos seed 16718): the pull position of
 * their entities as a batch goes out, and a test of whether a pull has moved it by the time the answer
 * comes. Pages applied meanwhile may have held the created record's later history, its tombstone among
 * it, under an id this client could not match yet. The answer shows the record as the server applied it,
 * as old as a stored answer given again, so it counts as `replayed` and the entity's feed is read again.
 */
export function pulledWhileOut(
  batch: readonly Operation[],
  outbox: () => OutboxState,
  entities: ReadonlyMap<string, EntityInternals>,
): ((op: Operation) => boolean) | undefined {
  const at = new Map<string, PullProgress | undefined>()
  for (const op of batch) if (op.kind === 'create' && entities.get(op.entity)?.serverIds) at.set(op.entity, outbox().pull[op.entity])
  if (at.size === 0) return undefined
  return (op) => {
    if (!at.has(op.entity)) return false
    const before = at.get(op.entity)
    const now = outbox().pull[op.entity]
    return (before?.cursor ?? null) !== (now?.cursor ?? null) || (before?.resyncing ?? false) !== (now?.resyncing ?? false)
  }
}
