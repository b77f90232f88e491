import { decideConflict } from '../../conflicts/decideConflict'
import { applyChange } from '../../core/change'
import type { Settlement } from '../../slices/actions'
import type { Operation } from '../../types'
import type { SyncEngine } from '../syncHandler'
import { pendingOf } from './pendingRecords'

/** Settles a conflict by the entity's strategy, against the confirmed state the change was made on. */
export function conflictOf(engine: SyncEngine, op: Operation, remote: Record<string, unknown> | null): Settlement {
  const { config } = engine
  const entity = config.entities.get(op.entity)!
  // Against what the change was made on, not a base a pull moved since.
  const base = pendingOf(engine, op)?.madeOn ?? null
  const local = applyChange(base, { kind: op.kind, data: op.data })
  let decision: ReturnType<typeof decideConflict>
  try {
    decision = decideConflict(entity.conflict ?? config.defaultConflict, { base, local, remote, op }, entity)
  } catch (error) {
    // A strategy that throws must not stop the queue or lose the change: park it for a person.
    config.onError(error, { raisedBy: 'conflict' })
    decision = { resolution: 'manual', fields: [] }
  }
  const next =
    decision.resolution === 'client-wins' || decision.resolution === 'merged'
      ? decision.change && { id: config.generateId(), change: decision.change }
      : null
  return {
    seq: op.seq,
    opId: op.id,
    entity: op.entity,
    recordId: op.recordId,
    type: 'conflict',
    remote,
    kind: op.kind,
    resolution: decision.resolution,
    next,
    // Parked on a record gone from the server: keep the local record in view as a create.
    parked: decision.resolution === 'manual' && remote === null && local !== null && op.kind !== 'create' ? { kind: 'create', data: local } : null,
    base,
    local,
    fields: decision.fields,
  }
}
