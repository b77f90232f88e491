import { seqPath, trieGet } from '../../core/trie'
import { dismissConflicts, opsSettled, resolveConflict } from '../actions'
import type { OutboxState } from '../outboxState'
import { isAnswered } from './operationLedger'
import { on, type OutboxConfig, type SyncCase } from './syncCase'

/** Settled conflicts kept visible, at most; open ones are always kept. */
const RESOLVED_CONFLICTS_KEPT = 100

function trimResolved(state: OutboxState): void {
  let resolved = state.conflicts.filter((conflict) => conflict.status === 'resolved').length
  if (resolved <= RESOLVED_CONFLICTS_KEPT) return
  state.conflicts = state.conflicts.filter((conflict) => conflict.status === 'open' || resolved-- <= RESOLVED_CONFLICTS_KEPT)
}

/**
 * The conflict list (`state.conflicts`): every conflict the server reported and how it was settled. Its
 * cases run before the ledger's, which may give the operation a new id (requeue) or take it.
 */
export function conflictListCases(config: OutboxConfig): SyncCase[] {
  const ownsEntity = (entity: string) => config.priorities.has(entity)
  return [
    on(opsSettled, (state, { payload }) => {
      for (const result of payload.results) {
        if (result.type !== 'conflict' || !isAnswered(state, result, ownsEntity)) continue
        const op = trieGet(state.ops, seqPath(result.seq))!
        state.conflicts.push({
          id: op.id,
          seq: op.seq,
          entity: op.entity,
          recordId: op.recordId,
          kind: op.kind,
          base: result.base,
          local: result.local,
          remote: result.remote,
          fields: result.fields,
          resolution: result.resolution,
          status: result.resolution === 'manual' ? 'open' : 'resolved',
          choice: null,
          detectedAt: payload.at,
        })
        trimResolved(state)
      }
    }),
    on(resolveConflict, (state, { payload }) => {
      const resolved = payload.resolved
      if (!resolved || !ownsEntity(resolved.entity)) return
      const conflict = state.conflicts.find((item) => item.id === payload.id && item.status === 'open')
      if (conflict) {
        conflict.status = 'resolved'
        conflict.choice = 'merged' in payload ? 'merged' : payload.choose
      }
    }),
    on(dismissConflicts, (state, { payload }) => {
      const ids = payload.ids === null ? null : new Set(payload.ids)
      // An open conflict is settled with resolveConflict, not dismissed: its operation is still parked.
      state.conflicts = state.conflicts.filter((conflict) => conflict.status === 'open' || (ids !== null && !ids.has(conflict.id)))
    }),
  ]
}
