import { applyBatch, type BatchApplied, type PlannedOperation } from './applyBatch'
import { applyOperation, type ApplyContext } from './applyOperation'
import { lockScope } from './changeFeed'
import type { Caller, ServerConfig } from './context'
import type { OperationResult, SqlTransaction } from './types'

export type { PlannedOperation } from './applyBatch'

/** How a request's operations are applied: a batch push set-based, a REST write one operation at a time. */
export type WriteMode = 'batch' | 'each'

/**
 * Applies operations in order in one transaction, the scope's feed lock taken first (see lockScope), so
 * one refusal does not undo the others. A batch push (`mode` 'batch') goes through {@link applyBatch}
 * in one savepoint; REST writes (and a batch whose set-based path failed) through {@link applyOperation},
 * one savepoint per operation: an operation that fails unexpectedly gets a 503 result (retry) and the
 * rest go on. If the transaction itself cannot commit, this rejects and nothing was written. After the
 * commit, the scope's clients are poked (by the database's NOTIFY sent inside the transaction, or
 * in-process).
 */
export async function runWrites(
  config: ServerConfig,
  caller: Caller,
  clientId: string | null,
  planned: readonly PlannedOperation[],
  mode: WriteMode = 'each',
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
  let changed = new Set<string>()
  const results = await config.db.transaction(async (tx) => {
    if (planned.some((plan) => 'operation' in plan)) await lockScope(tx, caller.scope)
    const applied = mode === 'batch' ? await applyBatchOrEach(tx, config, context, planned) : await applyEach(tx, config, context, planned)
    changed = applied.changed
    await config.pokes.announce(tx, caller.scope, [...changed])
    return applied.results
  })
  config.pokes.committed(caller.scope, [...changed])
  return results
}

/**
 * The set-based path in a savepoint. If it throws (a statement failed, a schema threw, a stored row
 * without its result), that savepoint is rolled back, which undoes everything of the batch and keeps
 * the scope lock (taken before it), and the batch is applied again one operation at a time. That path
 * isolates the failure to the operation that causes it (a 503 for it, the others applied) as the
 * protocol promises, where answering the whole request 5xx would hold back every operation of the batch
 * behind one that may never pass. A failure of the transaction itself fails the fallback too, and the
 * request answers 5xx with nothing written.
 */
async function applyBatchOrEach(
  tx: SqlTransaction,
  config: ServerConfig,
  context: ApplyContext,
  planned: readonly PlannedOperation[],
): Promise<BatchApplied> {
  try {
    return await tx.savepoint((sp) => applyBatch(sp, context, planned))
  } catch (error) {
    config.onError(error)
    return applyEach(tx, config, context, planned)
  }
}

async function applyEach(tx: SqlTransaction, config: ServerConfig, context: ApplyContext, planned: readonly PlannedOperation[]): Promise<BatchApplied> {
  const changed = new Set<string>()
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
  return { results, changed }
}
