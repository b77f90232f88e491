import { createHash } from 'node:crypto'
import { isJsonObject } from '../core/mergePatch'
import { SyncServerBadRequestError, SyncServerError } from './errors'
import type { JsonObject, Operation, OperationKind } from './types'

const KINDS: ReadonlySet<string> = new Set(['create', 'update', 'delete'])
const COLLECTION_NAME = /^[A-Za-z0-9_-]{1,100}$/
const MAX_KEY_LENGTH = 200

/** Checks a collection name against the server's list (or, without one, against the allowed characters). */
export function checkCollection(collection: unknown, known: Record<string, unknown> | undefined): string {
  if (typeof collection !== 'string' || collection === '') throw new SyncServerBadRequestError('"collection" must be a non-empty string.')
  if (known ? !Object.hasOwn(known, collection) : !COLLECTION_NAME.test(collection))
    // 400, not 404: the adapters read a 404 on a delete as "already gone", which would confirm it.
    throw new SyncServerError(
      400,
      'unknown-collection',
      known
        ? `There is no collection "${collection}" on this server; it has ${Object.keys(known).map((name) => `"${name}"`).join(', ') || 'none'}.`
        : `"${collection}" is not a collection name: use letters, digits, "_" and "-" (at most 100).`,
    )
  return collection
}

/** Checks an idempotency key: a non-empty string of at most 200 characters. */
export function checkKey(key: unknown, what: string): string {
  if (typeof key !== 'string' || key === '' || key.length > MAX_KEY_LENGTH)
    throw new SyncServerBadRequestError(`${what} must be a non-empty string of at most ${MAX_KEY_LENGTH} characters (the operation id).`)
  return key
}

/** Checks a record id: a non-empty string or a finite number. */
export function checkRecordId(id: unknown, what: string): string | number {
  if ((typeof id === 'string' && id !== '' && id.length <= 1000) || (typeof id === 'number' && Number.isFinite(id))) return id
  throw new SyncServerBadRequestError(`${what} must be a non-empty string or a number: ids are made by the client.`)
}

/**
 * Checks what an operation carries for its kind: a create's whole record (whose `id` is the record
 * id), an update's merge patch (an object), a delete's nothing.
 */
export function checkData(kind: OperationKind, recordId: string | number, data: unknown): JsonObject | null {
  if (kind === 'delete') {
    if (data !== null && data !== undefined) throw new SyncServerBadRequestError('A delete carries no data: send "data": null.')
    return null
  }
  if (!isJsonObject(data))
    throw new SyncServerBadRequestError(
      kind === 'create' ? 'A create must carry the new record as a JSON object.' : 'An update must carry a JSON merge patch: an object of the changed fields.',
    )
  if (kind === 'create' && (data.id === undefined || String(data.id) !== String(recordId)))
    throw new SyncServerBadRequestError(`A create's record must have "id" ${JSON.stringify(recordId)}, the id it is created under.`)
  return data
}

/** Reads one operation of a batch (`{ id, collection, recordId, kind, data, baseVersion }`); throws a 400 when it is not one. */
export function parseBatchOperation(value: unknown, index: number, known: Record<string, unknown> | undefined): Operation {
  const where = `operations[${index}]`
  if (!isJsonObject(value)) throw new SyncServerBadRequestError(`${where} must be an object { id, collection, recordId, kind, data, baseVersion }.`)
  const collection = checkCollection(value.collection, known)
  const recordId = checkRecordId(value.recordId, `${where}.recordId`)
  const { kind, baseVersion } = value
  if (typeof kind !== 'string' || !KINDS.has(kind)) throw new SyncServerBadRequestError(`${where}.kind must be "create", "update" or "delete".`)
  if (baseVersion !== null && baseVersion !== undefined && typeof baseVersion !== 'number' && typeof baseVersion !== 'string')
    throw new SyncServerBadRequestError(`${where}.baseVersion must be the version the change was made on, or null.`)
  const data = checkData(kind as OperationKind, recordId, value.data)
  return {
    key: checkKey(value.id, `${where}.id`),
    collection,
    recordId,
    kind: kind as OperationKind,
    data,
    ifMatch: baseVersion === null || baseVersion === undefined ? null : String(baseVersion),
  }
}

/**
 * The fingerprint of an operation, stored with its idempotency row: a replay must be the same
 * operation (same collection, record, kind, data and base version), however it came (batch or REST).
 * Object keys are sorted so the order fields were sent in does not matter.
 */
export function hashOperation(operation: Operation): string {
  const canonical = canonicalJson({
    collection: operation.collection,
    recordId: String(operation.recordId),
    kind: operation.kind,
    data: operation.data,
    ifMatch: normaliseIfMatch(operation.ifMatch),
  })
  return createHash('sha256').update(canonical).digest('hex')
}

/** `W/"3", "4"` and `3,4` mean the same: the versions, unquoted, comma-separated. */
function normaliseIfMatch(ifMatch: string | null): string | null {
  if (ifMatch === null || ifMatch.trim() === '') return null
  return ifMatch
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1'))
    .join(',')
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (isJsonObject(value))
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`)
      .join(',')}}`
  return JSON.stringify(value) ?? 'null'
}
