import { assignsId, takeIds, withAssignedId } from './assignedIds'
import { nextSequence } from './changeFeed'
import { SyncServerError } from './errors'
import { hashOperation } from './operation'
import type { CollectionOptions, Operation, OperationResult, SqlTransaction } from './types'
import { decideWrite, refusalResult, replayResult, type StoredIdempotency, type StoredRecord } from './writeRules'

/** What applying an operation needs besides the operation. */
export interface ApplyContext {
  scope: string
  userId: string
  /** The client the operation came from (batch push), recorded as its last applied operation; null for REST. */
  clientId: string | null
  collections: Record<string, CollectionOptions> | undefined
  versionField: string
  updatedAtField: string | null
  now: () => number
}

/** What became of an operation, and whether it changed a record (so the scope's clients are poked). */
export interface Applied {
  result: OperationResult
  /** True when this request wrote the change (not a replay, not a refusal). */
  changed: boolean
}

/**
 * Applies one operation inside `tx`, in its own savepoint, exactly once: the change, its row of the
 * change feed, its idempotency row (scope, key → request hash and result) and the client's last
 * operation are written together or not at all. The REST write routes come here, and a batch push
 * when its set-based path ({@link applyBatch}) failed unexpectedly. The rules of the write itself are
 * {@link decideWrite}'s, shared with the batch path.
 *
 * - A key seen before with the same operation answers the stored result and writes nothing; with
 *   another operation it answers 422 `idempotency-mismatch`.
 * - Decided outcomes are stored under the key (2xx, and the refusals 404, 409, 412 that a replay must
 *   repeat); a bad operation (400, 422 schema) is answered and nothing is written, key included.
 * - Anything unexpected rolls the savepoint back and is rethrown: the caller answers 5xx (retry).
 * - A create in a collection with `assignIds` takes the next id of its scope and collection (takeIds)
 *   in the same savepoint, so the id is stored in the result a replay answers, and given back when the
 *   create is refused.
 *
 * The key is claimed first (`INSERT … ON CONFLICT DO NOTHING`): a concurrent request with the same
 * key waits on that row until this transaction ends, then sees the stored result instead of applying
 * the operation a second time.
 */
export async function applyOperation(tx: SqlTransaction, context: ApplyContext, operation: Operation): Promise<Applied> {
  try {
    return await tx.savepoint(async (sp) => {
      const { key } = operation
      if (key !== null) {
        const hash = hashOperation(operation)
        const claimed = await sp.query(
          `INSERT INTO rtk_offline_idempotency (scope, key, user_id, request_hash, created_at)
           VALUES ($1, $2, $3, $4, $5) ON CONFLICT (scope, key) DO NOTHING RETURNING key`,
          [context.scope, key, context.userId, hash, context.now()],
        )
        if (claimed.rows.length === 0) return { result: await replay(sp, context.scope, key, hash), changed: false }
      }
      const result = await write(sp, context, operation)
      const changed = result.status < 300
      if (key !== null) {
        await sp.query('UPDATE rtk_offline_idempotency SET status = $3, result = $4::jsonb WHERE scope = $1 AND key = $2', [
          context.scope,
          key,
          result.status,
          result,
        ])
        if (context.clientId !== null)
          await sp.query(
            `INSERT INTO rtk_offline_clients (scope, client_id, last_operation, updated_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (scope, client_id) DO UPDATE SET last_operation = $3, updated_at = $4`,
            [context.scope, context.clientId, key, context.now()],
          )
      }
      return { result, changed }
    })
  } catch (error) {
    // A refusal that writes nothing (400, 422): the savepoint is rolled back, the key left unclaimed.
    if (error instanceof SyncServerError && error.status < 500) return { result: refusalResult(error), changed: false }
    throw error
  }
}

async function replay(tx: SqlTransaction, scope: string, key: string, hash: string): Promise<OperationResult> {
  const { rows } = await tx.query<StoredIdempotency>('SELECT request_hash, result FROM rtk_offline_idempotency WHERE scope = $1 AND key = $2', [
    scope,
    key,
  ])
  return replayResult(key, hash, rows[0])
}

async function write(tx: SqlTransaction, context: ApplyContext, sent: Operation): Promise<OperationResult> {
  const { scope } = context
  const { collection } = sent
  let operation = sent
  let stored: StoredRecord | undefined
  if (assignsId(context.collections, sent)) {
    // A server-assigned id is free by construction (no row, not even a tombstone): nothing to read. A
    // refusal below rolls the savepoint back, and the id with it.
    const { ids } = await takeIds(tx, scope, collection, 1)
    operation = withAssignedId(sent, ids[0]!)
  } else {
    // The caller holds the scope's feed lock (runWrites → lockScope), so writers of a scope take turns
    // and the record read here is the latest committed one; a change takes its sequence as it is written.
    const { rows } = await tx.query<StoredRecord>('SELECT data, version FROM rtk_offline_records WHERE scope = $1 AND collection = $2 AND id = $3', [
      scope,
      collection,
      String(sent.recordId),
    ])
    stored = rows[0]
  }
  const id = String(operation.recordId)
  const { result, next } = await decideWrite(context, operation, stored, context.now())
  if (!next) return result
  const seq = await nextSequence(tx, scope)
  if (next.idValue !== undefined)
    // A create: a new row (born at this change), or a tombstone brought back (its born_seq kept).
    await tx.query(
      `INSERT INTO rtk_offline_records (scope, collection, id, id_value, data, version, seq, born_seq)
       VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7::bigint, $7::bigint)
       ON CONFLICT (scope, collection, id) DO UPDATE SET id_value = $4::jsonb, data = $5::jsonb, version = $6, seq = $7::bigint`,
      [scope, collection, id, JSON.stringify(next.idValue), next.data, next.version, seq],
    )
  else
    await tx.query(
      'UPDATE rtk_offline_records SET data = $4::jsonb, version = $5, seq = $6::bigint WHERE scope = $1 AND collection = $2 AND id = $3',
      [scope, collection, id, next.data, next.version, seq],
    )
  return result
}
