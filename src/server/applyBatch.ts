import type { ApplyContext } from './applyOperation'
import { assignsId, returnUnused, takeIds, withAssignedId, type TakenIds } from './assignedIds'
import { takeSequences } from './changeFeed'
import { SyncServerError } from './errors'
import { hashOperation } from './operation'
import type { JsonObject, Operation, OperationResult, SqlTransaction } from './types'
import { decideWrite, refusalResult, replayResult, type StoredIdempotency, type StoredRecord } from './writeRules'

/** An operation to apply, or the refusal it already got while being read (a bad shape: nothing to write). */
export type PlannedOperation = { operation: Operation } | { refused: OperationResult }

/** What became of a batch: one result per planned operation, and the collections it changed. */
export interface BatchApplied {
  results: OperationResult[]
  changed: Set<string>
}

/** A record the batch touches, as it stands while the batch is applied in memory. */
interface TouchedRecord {
  collection: string
  id: string
  /** The row as it is now (stored, then as changed by the batch's operations so far); undefined: no row. */
  row: StoredRecord | undefined
  idValue: unknown
  /** Offsets (1-based, in the batch's changes) of the first and latest change the batch makes to it; 0: none. */
  firstChange: number
  lastChange: number
}

/** What the batch did with an idempotency key it claimed: open until an operation under it is decided. */
interface ClaimedKey {
  decided: { hash: string; result: OperationResult } | null
}

/**
 * Applies a batch push set-based, inside `tx` (whose scope lock the caller took first, see lockScope):
 * a fixed number of statements per batch instead of about eight per operation, with the same answers
 * as applying each operation with {@link applyOperation}, in order:
 *
 * 1. Claims every key of the batch in one `INSERT … SELECT FROM unnest … ON CONFLICT DO NOTHING`; the
 *    keys another transaction claimed before are read in one SELECT and answered as replays (the stored
 *    result, or 422 `idempotency-mismatch`), writing nothing.
 * 2. Reads every record the batch touches in one SELECT. For the creates of collections with
 *    `assignIds`, takes as many ids per collection as there are such creates (takeIds: two statements
 *    when no id is held already), handed out in the order of the creates in 3.
 * 3. Decides the operations in order in memory with the rules of {@link decideWrite}, each seeing the
 *    records as the operations before it left them. A key repeated in the batch answers its first
 *    decided result (or a mismatch); a refusal that writes nothing (400, 422 schema) leaves its key
 *    unclaimed, so a later operation under that key is applied as new.
 * 4. Takes the changes' sequences in one update of the scope's row (consecutive, in operation order),
 *    writes each changed record's final row in one upsert (its sequence is its latest change's, a
 *    new row is born at its first), stores the decided results in one UPDATE, gives back the claims no
 *    operation decided in one DELETE, and records the client's last decided operation once. Ids taken
 *    in 2 and not used (a replayed key, a refusal) are given back with one UPDATE of their counter.
 *
 * The change feed reads as if the operations had been applied one by one: a record changed several
 * times shows once, at its latest change, which is what a pull after the batch would have shown anyway.
 * Anything unexpected (a failing statement, a schema that throws) rejects: the caller rolls the batch's
 * savepoint back and applies the batch one operation at a time instead (see runWrites).
 */
export async function applyBatch(tx: SqlTransaction, context: ApplyContext, planned: readonly PlannedOperation[]): Promise<BatchApplied> {
  const { scope } = context
  const now = context.now()
  const operations = planned.flatMap((plan) => ('operation' in plan ? [plan.operation] : []))
  const hashes = new Map<Operation, string>(operations.map((operation) => [operation, hashOperation(operation)]))

  // 1. Claim each key once (its first operation's hash; the hash of the operation that decides it is stored with the result).
  const firstHash = new Map<string, string>()
  for (const operation of operations) if (operation.key !== null && !firstHash.has(operation.key)) firstHash.set(operation.key, hashes.get(operation)!)
  const claimed = new Map<string, ClaimedKey>()
  const storedKeys = new Map<string, StoredIdempotency>()
  if (firstHash.size > 0) {
    const { rows } = await tx.query<{ key: string }>(
      `INSERT INTO rtk_offline_idempotency (scope, key, user_id, request_hash, created_at)
       SELECT $1, claim.key, $2, claim.hash, $3 FROM unnest($4::text[], $5::text[]) AS claim(key, hash)
       ON CONFLICT (scope, key) DO NOTHING RETURNING key`,
      [scope, context.userId, now, [...firstHash.keys()], [...firstHash.values()]],
    )
    for (const row of rows) claimed.set(row.key, { decided: null })
    const replayed = [...firstHash.keys()].filter((key) => !claimed.has(key))
    if (replayed.length > 0) {
      const stored = await tx.query<StoredIdempotency & { key: string }>(
        'SELECT key, request_hash, result FROM rtk_offline_idempotency WHERE scope = $1 AND key = ANY($2::text[])',
        [scope, replayed],
      )
      for (const row of stored.rows) storedKeys.set(row.key, row)
    }
  }

  // 2. The records the operations that may write touch, as stored; ids for the creates that may need one.
  const records = new Map<string, TouchedRecord>()
  const recordKey = (collection: string, id: string) => `${collection}\u0000${id}`
  const toWrite = operations.filter((operation) => operation.key === null || claimed.has(operation.key))
  const assigning = new Map<string, number>()
  for (const operation of toWrite) {
    if (assignsId(context.collections, operation)) {
      assigning.set(operation.collection, (assigning.get(operation.collection) ?? 0) + 1)
      continue
    }
    const id = String(operation.recordId)
    records.set(recordKey(operation.collection, id), { collection: operation.collection, id, row: undefined, idValue: undefined, firstChange: 0, lastChange: 0 })
  }
  // At most one id per such create (a repeated key or a refusal uses none); what is left is given back in 4.
  const ids = new Map<string, TakenIds>()
  for (const [collection, count] of assigning) ids.set(collection, await takeIds(tx, scope, collection, count))
  if (records.size > 0) {
    const touched = [...records.values()]
    const { rows } = await tx.query<{ collection: string; id: string; id_value: unknown; data: JsonObject | null; version: number }>(
      `SELECT collection, id, id_value, data, version FROM rtk_offline_records
        WHERE scope = $1 AND collection = ANY($2::text[]) AND id = ANY($3::text[])`,
      [scope, [...new Set(touched.map((record) => record.collection))], touched.map((record) => record.id)],
    )
    for (const row of rows) {
      const record = records.get(recordKey(row.collection, row.id))
      if (!record) continue // another collection's record of the same id
      record.row = { data: row.data, version: Number(row.version) }
      record.idValue = row.id_value
    }
  }

  // 3. Decide in order, in memory.
  const results: OperationResult[] = []
  const changed = new Set<string>()
  let changes = 0
  let lastDecidedKey: string | null = null
  for (const plan of planned) {
    if ('refused' in plan) {
      results.push(plan.refused)
      continue
    }
    const { operation: sent } = plan
    const { key } = sent
    const hash = hashes.get(sent)!
    const claim = key === null ? undefined : claimed.get(key)
    if (key !== null && !claim) {
      // Claimed by an earlier transaction: a replay, answered from its row (a 500 for a row without result rejects: see above).
      results.push(replayOrMismatch(key, hash, storedKeys.get(key)))
      continue
    }
    if (claim?.decided) {
      // The same key earlier in this batch: as a replay of that operation.
      results.push(replayOrMismatch(key!, hash, { request_hash: claim.decided.hash, result: claim.decided.result }))
      continue
    }
    let operation = sent
    const taken = assignsId(context.collections, sent) ? ids.get(sent.collection)! : undefined
    if (taken) {
      // The next free id (no row, not even a tombstone), in the order of the creates.
      const id = taken.ids[taken.used++]!
      operation = withAssignedId(sent, id)
      records.set(recordKey(operation.collection, id), { collection: operation.collection, id, row: undefined, idValue: undefined, firstChange: 0, lastChange: 0 })
    }
    const record = records.get(recordKey(operation.collection, String(operation.recordId)))!
    let decision
    try {
      decision = await decideWrite(context, operation, record.row, now)
    } catch (error) {
      // A refusal that writes nothing (422 schema): the key stays open, its claim is given back below,
      // and its id goes to the next create.
      if (error instanceof SyncServerError && error.status < 500) {
        if (taken) {
          taken.used -= 1
          records.delete(recordKey(operation.collection, String(operation.recordId)))
        }
        results.push(refusalResult(error))
        continue
      }
      throw error
    }
    const { result, next } = decision
    if (next) {
      changes += 1
      if (record.firstChange === 0) record.firstChange = changes
      record.lastChange = changes
      record.row = { data: next.data, version: next.version }
      if (next.idValue !== undefined) record.idValue = next.idValue
      changed.add(operation.collection)
    }
    if (claim) {
      claim.decided = { hash, result }
      lastDecidedKey = key
    }
    results.push(result)
  }

  // 4. Write what the batch decided.
  for (const taken of ids.values()) await returnUnused(tx, scope, taken)
  if (changes > 0) {
    const first = await takeSequences(tx, scope, changes)
    const rows = [...records.values()]
      .filter((record) => record.lastChange > 0)
      .map((record) => ({
        collection: record.collection,
        id: record.id,
        id_value: record.idValue,
        data: record.row!.data,
        version: record.row!.version,
        seq: String(first + BigInt(record.lastChange - 1)),
        // Used only when the row is new: an existing row keeps the sequence it was born at.
        born_seq: String(first + BigInt(record.firstChange - 1)),
      }))
    await tx.query(
      `INSERT INTO rtk_offline_records AS r (scope, collection, id, id_value, data, version, seq, born_seq)
       SELECT $1, w.collection, w.id, w.id_value, w.data, w.version, w.seq, w.born_seq
         FROM jsonb_to_recordset($2::jsonb) AS w(collection text, id text, id_value jsonb, data jsonb, version integer, seq bigint, born_seq bigint)
       ON CONFLICT (scope, collection, id) DO UPDATE
         SET id_value = EXCLUDED.id_value, data = EXCLUDED.data, version = EXCLUDED.version, seq = EXCLUDED.seq`,
      [scope, rows],
    )
  }
  const decided = [...claimed].flatMap(([key, claim]) => (claim.decided ? [{ key, hash: claim.decided.hash, status: claim.decided.result.status, result: claim.decided.result }] : []))
  if (decided.length > 0)
    await tx.query(
      `UPDATE rtk_offline_idempotency AS i SET request_hash = w.hash, status = w.status, result = w.result
         FROM jsonb_to_recordset($2::jsonb) AS w(key text, hash text, status integer, result jsonb)
        WHERE i.scope = $1 AND i.key = w.key`,
      [scope, decided],
    )
  const open = [...claimed].flatMap(([key, claim]) => (claim.decided ? [] : [key]))
  if (open.length > 0) await tx.query('DELETE FROM rtk_offline_idempotency WHERE scope = $1 AND key = ANY($2::text[])', [scope, open])
  if (lastDecidedKey !== null && context.clientId !== null)
    await tx.query(
      `INSERT INTO rtk_offline_clients (scope, client_id, last_operation, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (scope, client_id) DO UPDATE SET last_operation = $3, updated_at = $4`,
      [scope, context.clientId, lastDecidedKey, now],
    )
  return { results, changed }
}

/** A replay's answer: the stored result, or 422 for another operation under the key (a 500 rethrows). */
function replayOrMismatch(key: string, hash: string, stored: StoredIdempotency | undefined): OperationResult {
  try {
    return replayResult(key, hash, stored)
  } catch (error) {
    if (error instanceof SyncServerError && error.status < 500) return refusalResult(error)
    throw error
  }
}
