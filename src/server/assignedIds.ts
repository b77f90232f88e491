import type { CollectionOptions, Operation, SqlQueryable } from './types'

/**
 * Server-assigned ids (`collections: { name: { assignIds: true } }`): the ids a collection's creates get,
 * from a counter per scope and collection (rtk_offline_ids), taken in the write's transaction.
 *
 * Why ids are unique under concurrent writers (several server processes on one database): taking ids
 * is one upsert of the counter's row, which keeps that row locked until the transaction ends, so a second
 * writer of the same scope and collection waits there and continues from the first one's committed
 * value (the writers of a scope also queue at the scope's lock first, see lockScope). A transaction that
 * rolls back gives its ids back with it. Ids held by records already (made by clients before the
 * collection assigned ids, or seeded) are skipped, tombstones included.
 */

/** Whether `operation` is a create whose record gets its id from the server. */
export function assignsId(collections: Record<string, CollectionOptions> | undefined, operation: Operation): boolean {
  return operation.kind === 'create' && collections?.[operation.collection]?.assignIds === true
}

/** The operation as the server applies it: the record under the server's id (the client's not kept). */
export function withAssignedId(operation: Operation, id: string): Operation {
  return { ...operation, recordId: id, data: { ...operation.data, id } }
}

/** Ids taken for one collection: handed out in order; those left over are given back by {@link returnUnused}. */
export interface TakenIds {
  collection: string
  /** The counter before taking. */
  before: bigint
  /** Free ids, increasing. */
  ids: string[]
  /** How many of `ids` were used. */
  used: number
}

/**
 * Takes the next `count` free ids of (scope, collection): one upsert of the counter and one look for
 * ids already held, more only when some were (until `count` free ones are found).
 */
export async function takeIds(tx: SqlQueryable, scope: string, collection: string, count: number): Promise<TakenIds> {
  const ids: string[] = []
  let before: bigint | null = null
  while (ids.length < count) {
    const need = count - ids.length
    const { rows } = await tx.query<{ last_id: string }>(
      `INSERT INTO rtk_offline_ids AS c (scope, collection, last_id) VALUES ($1, $2, $3)
       ON CONFLICT (scope, collection) DO UPDATE SET last_id = c.last_id + $3
       RETURNING last_id::text AS last_id`,
      [scope, collection, need],
    )
    const last = BigInt(rows[0]!.last_id)
    const first = last - BigInt(need) + 1n
    before ??= first - 1n
    const candidates = Array.from({ length: need }, (_, index) => String(first + BigInt(index)))
    const held = await tx.query<{ id: string }>('SELECT id FROM rtk_offline_records WHERE scope = $1 AND collection = $2 AND id = ANY($3::text[])', [
      scope,
      collection,
      candidates,
    ])
    const taken = new Set(held.rows.map((row) => row.id))
    ids.push(...candidates.filter((id) => !taken.has(id)))
  }
  return { collection, before: before ?? 0n, ids, used: 0 }
}

/**
 * Sets the counter back to the last id used (or where it was, if none was), so ids taken for creates
 * that were then refused are not lost: the next create gets them. The caller still holds the counter's
 * row lock from {@link takeIds}, so nobody took ids in between.
 */
export async function returnUnused(tx: SqlQueryable, scope: string, taken: TakenIds): Promise<void> {
  if (taken.used === taken.ids.length) return
  const last = taken.used === 0 ? taken.before : BigInt(taken.ids[taken.used - 1]!)
  await tx.query('UPDATE rtk_offline_ids SET last_id = $3 WHERE scope = $1 AND collection = $2', [scope, taken.collection, String(last)])
}
