import { applyMergePatch } from '../core/mergePatch'
import { matchesIfMatch } from '../msw/ifMatch'
import { SyncServerError, SyncServerIdempotencyError, SyncServerValidationError } from './errors'
import type { CollectionOptions, JsonObject, Operation, OperationResult } from './types'

/**
 * The rules of a write, apart from the database: given the record as stored and an operation, what the
 * operation is answered and what the record becomes. Both ways of applying operations use them, so they
 * cannot drift apart: {@link applyOperation} (one operation, its own savepoint: REST writes) and
 * {@link applyBatch} (a whole `POST /sync/push`, set-based).
 */

/** A record's row as the rules see it: its data (null for a tombstone) and its version. */
export interface StoredRecord {
  data: JsonObject | null
  version: number
}

/** What the rules need besides the operation and the record. */
export interface WriteRules {
  collections: Record<string, CollectionOptions> | undefined
  versionField: string
  updatedAtField: string | null
}

/**
 * What becomes of an operation: its result and, when it changes the record, the record's new row.
 * `next.idValue` is set by a create (the row's `id_value` is written only then); a delete's `next.data`
 * is null (the row stays as a tombstone with its version).
 */
export type WriteDecision =
  | { result: OperationResult; next: null }
  | { result: OperationResult; next: StoredRecord & { idValue?: unknown } }

/**
 * Decides an operation on the record as stored (`undefined`: no row): create 409 when the record exists,
 * a create after a delete goes on from the tombstone's version, 404 for an update or delete of nothing,
 * 412 (with the current record) when `ifMatch` names another version, a merge patch for an update, the
 * version and `updatedAtField` stamped. Refusals 404, 409 and 412 change nothing (`next` null) and are
 * stored by the caller like any decided result.
 *
 * @throws SyncServerValidationError (422) when the new record fails its collection's schema: the caller
 * writes nothing for this operation, its idempotency key included.
 */
export async function decideWrite(rules: WriteRules, operation: Operation, stored: StoredRecord | undefined, now: number): Promise<WriteDecision> {
  const { versionField, updatedAtField } = rules
  const { collection, recordId, kind, data, ifMatch } = operation
  const current = stored?.data ?? null
  const stamp = (record: JsonObject, version: number): JsonObject => {
    const stamped: JsonObject = { ...record, [versionField]: version }
    if (updatedAtField !== null) stamped[updatedAtField] = now
    return stamped
  }

  if (kind === 'create') {
    if (current) return { result: { status: 409, record: current }, next: null }
    // A record created again after a delete goes on from its version, so an If-Match naming the old record never matches.
    const version = (stored?.version ?? 0) + 1
    const record = stamp({ ...data!, id: data!.id }, version)
    await validate(rules, collection, record)
    return { result: { status: 201, record }, next: { data: record, version, idValue: data!.id } }
  }

  if (!current || !stored)
    return {
      result: { status: 404, error: { code: 'not-found', message: `No ${collection} record has the id ${JSON.stringify(recordId)}.` } },
      next: null,
    }
  if (!matchesIfMatch(ifMatch, stored.version)) return { result: { status: 412, record: current }, next: null }

  if (kind === 'update') {
    const { id: _id, [versionField]: _version, ...patch } = data!
    const version = stored.version + 1
    const record = stamp({ ...applyMergePatch(current, patch), id: current.id }, version)
    await validate(rules, collection, record)
    return { result: { status: 200, record }, next: { data: record, version } }
  }

  // A delete keeps the row as a tombstone (data null, its version kept) for pulls and for a later create.
  return { result: { status: 204 }, next: { data: null, version: stored.version } }
}

/** An idempotency row as stored: the fingerprint of the operation that claimed it, and its result. */
export interface StoredIdempotency {
  request_hash: string
  result: OperationResult | null
}

/**
 * The answer to an operation whose key was claimed before (`stored`, or undefined if the row is gone):
 * the stored result when it is the same operation (same hash).
 *
 * @throws SyncServerIdempotencyError (422 `idempotency-mismatch`) for another operation under the key
 * @throws SyncServerError (500) for a row without a result, which a committed row never is
 */
export function replayResult(key: string, hash: string, stored: StoredIdempotency | undefined): OperationResult {
  if (stored?.request_hash !== hash) throw new SyncServerIdempotencyError(key)
  // Claimed and answered in one transaction, so a committed row always has its result.
  if (!stored.result) throw new SyncServerError(500, 'server-error', `The idempotency row of "${key}" has no result.`)
  return stored.result
}

/** The result of a refusal that writes nothing (400, 422): the error as the operation's answer. */
export function refusalResult(error: SyncServerError): OperationResult {
  return { status: error.status, error: { code: error.code, message: error.message } }
}

/** Checks a record against its collection's Standard Schema, when it has one. */
async function validate(rules: WriteRules, collection: string, record: JsonObject): Promise<void> {
  const schema = rules.collections?.[collection]?.schema
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
