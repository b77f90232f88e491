import { applyMergePatch } from '../core/mergePatch'
import { matchesIfMatch } from '../msw/ifMatch'
import { nextSequence } from './changeFeed'
import { SyncServerError, SyncServerIdempotencyError, SyncServerValidationError } from './errors'
import { hashOperation } from './operation'
import type { CollectionOptions, JsonObject, Operation, OperationResult, SqlTransaction } from './types'

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

interface StoredRecord {
  data: JsonObject | null
  version: number
}

/**
 * Applies one operation inside `tx`, in its own savepoint, exactly once: the change, its row of the
 * change feed, its idempotency row (scope, key → request hash and result) and the client's last
 * operation are written together or not at all. Both `POST /sync/push` (per operation) and the REST
 * write routes come here.
 *
 * - A key seen before with the same operation answers the stored result and writes nothing; with
 *   another operation it answers 422 `idempotency-mismatch`.
 * - Decided outcomes are stored under the key (2xx, and the refusals 404, 409, 412 that a replay must
 *   repeat); a bad operation (400, 422 schema) is answered and nothing is written, key included.
 * - Anything unexpected rolls the savepoint back and is rethrown: the caller answers 5xx (retry).
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
    if (error instanceof SyncServerError && error.status < 500)
      return { result: { status: error.status, error: { code: error.code, message: error.message } }, changed: false }
    throw error
  }
}

async function replay(tx: SqlTransaction, scope: string, key: string, hash: string): Promise<OperationResult> {
  const { rows } = await tx.query<{ request_hash: string; result: OperationResult | null }>(
    'SELECT request_hash, result FROM rtk_offline_idempotency WHERE scope = $1 AND key = $2',
    [scope, key],
  )
  const stored = rows[0]
  if (stored?.request_hash !== hash) throw new SyncServerIdempotencyError(key)
  // Claimed and answered in one transaction, so a committed row always has its result.
  if (!stored.result) throw new SyncServerError(500, 'server-error', `The idempotency row of "${key}" has no result.`)
  return stored.result
}

async function write(tx: SqlTransaction, context: ApplyContext, operation: Operation): Promise<OperationResult> {
  const { scope, versionField, updatedAtField } = context
  const { collection, recordId, kind, data, ifMatch } = operation
  const id = String(recordId)
  // The caller holds the scope's feed lock (runWrites → lockScope), so writers of a scope take turns
  // and the record read here is the latest committed one; a change takes its sequence as it is written.
  const { rows } = await tx.query<StoredRecord>(
    'SELECT data, version FROM rtk_offline_records WHERE scope = $1 AND collection = $2 AND id = $3',
    [scope, collection, id],
  )
  const stored = rows[0]
  const current = stored?.data ?? null
  const stamp = (record: JsonObject, version: number): JsonObject => {
    const stamped: JsonObject = { ...record, [versionField]: version }
    if (updatedAtField !== null) stamped[updatedAtField] = context.now()
    return stamped
  }
  const notFound = (): OperationResult => ({
    status: 404,
    error: { code: 'not-found', message: `No ${collection} record has the id ${JSON.stringify(recordId)}.` },
  })

  if (kind === 'create') {
    if (current) return { status: 409, record: current }
    // A record created again after a delete goes on from its version, so an If-Match naming the old record never matches.
    const record = stamp({ ...data!, id: data!.id }, (stored?.version ?? 0) + 1)
    await validate(context, collection, record)
    const seq = await nextSequence(tx, scope)
    await tx.query(
      `INSERT INTO rtk_offline_records (scope, collection, id, id_value, data, version, seq, born_seq)
       VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7::bigint, $7::bigint)
       ON CONFLICT (scope, collection, id) DO UPDATE SET id_value = $4::jsonb, data = $5::jsonb, version = $6, seq = $7::bigint`,
      [scope, collection, id, JSON.stringify(data!.id), record, record[versionField], seq],
    )
    return { status: 201, record }
  }

  if (!current || !stored) return notFound()
  if (!matchesIfMatch(ifMatch, stored.version)) return { status: 412, record: current }

  if (kind === 'update') {
    const { id: _id, [versionField]: _version, ...patch } = data!
    const record = stamp({ ...applyMergePatch(current, patch), id: current.id }, stored.version + 1)
    await validate(context, collection, record)
    const seq = await nextSequence(tx, scope)
    await tx.query(
      'UPDATE rtk_offline_records SET data = $4::jsonb, version = $5, seq = $6::bigint WHERE scope = $1 AND collection = $2 AND id = $3',
      [scope, collection, id, record, record[versionField], seq],
    )
    return { status: 200, record }
  }

  // A delete keeps the row as a tombstone (data null, its version kept) for pulls and for a later create.
  const seq = await nextSequence(tx, scope)
  await tx.query('UPDATE rtk_offline_records SET data = NULL, seq = $4::bigint WHERE scope = $1 AND collection = $2 AND id = $3', [
    scope,
    collection,
    id,
    seq,
  ])
  return { status: 204 }
}

/** Checks a record against its collection's Standard Schema, when it has one. */
async function validate(context: ApplyContext, collection: string, record: JsonObject): Promise<void> {
  const schema = context.collections?.[collection]?.schema
  if (!schema) return
  const outcome = await schema['~standard'].validate(record)
  if (!outcome.issues) return
  const issues = outcome.issues.map((issue) => ({
    message: issue.message,
    path: issue.path?.map((part) => (typeof part === 'object' ? part.key : part)).map(String),
  }))
  const summary = issues.map((issue) => (issue.path?.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join('; ')
  throw new SyncServerValidationError(`The ${collection} record does not satisfy its schema: ${summary}.`, issues)
}
