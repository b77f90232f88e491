import { applyOperation, type ApplyContext } from './applyOperation'
import { lockScope } from './changeFeed'
import type { Caller, ServerConfig } from './context'
import type { Operation, OperationResult } from './types'

/** An operation to apply, or the refusal it already got while being read (a bad shape: nothing to write). */
export type PlannedOperation = { operation: Operation } | { refused: OperationResult }

/**
 * Applies operations in order in one transaction (the scope's feed locked first: see lockScope), each through {@link applyOperation} in its own
 * savepoint, so one refusal does not undo the others. An operation that fails unexpectedly gets a
 * 503 result (retry) and the rest go on; if the transaction itself cannot commit, this rejects and
 * nothing was written. After the commit, the scope's clients are poked (by the database's NOTIFY sent
 * inside the transaction, or in-process).
 */
export async function runWrites(
  config: ServerConfig,
  caller: Caller,
  clientId: string | null,
  planned: readonly PlannedOperation[],
): Promise<OperationResult[]> {
  const context: ApplyContext = {
    scope: caller.scope,
    userId: caller.userId,
    clientId,
    collections: config.collections,
    versionField: config.versionField,
    updatedAtField: config.updatedAtField,
    now: config.now,
  }
  const changed = new Set<string>()
  const results = await config.db.transaction(async (tx) => {
    changed.clear()
    if (planned.some((plan) => 'operation' in plan)) await lockScope(tx, caller.scope)
    const results: OperationResult[] = []
    for (const plan of planned) {
      if ('refused' in plan) {
        results.push(plan.refused)
        continue
      }
      try {
        const applied = await applyOperation(tx, context, plan.operation)
        if (applied.changed) changed.add(plan.operation.collection)
        results.push(applied.result)
      } catch (error) {
        config.onError(error)
        results.push({
          status: 503,
          error: { code: 'operation-failed', message: 'The server failed to apply this operation; nothing of it was written. Send it again.' },
        })
      }
    }
    await config.pokes.announce(tx, caller.scope, [...changed])
    return results
  })
  config.pokes.committed(caller.scope, [...changed])
  return results
}
