import { SyncServerError } from './errors'
import type { JsonObject, PullChange, PullPage, SqlQueryable } from './types'

/**
 * The change feed: every applied change takes the next sequence of its scope, and the record's row
 * keeps the sequence of its latest change, so "what changed after cursor c" is the records whose
 * sequence is above c (each once, as it is now).
 *
 * Why a reader never skips a change: a sequence is taken by updating the scope's row in
 * rtk_offline_scopes inside the write's transaction. That row stays locked until the transaction
 * commits or rolls back, so a second writer of the same scope waits at its own update and gets the
 * next number only after the first has finished. Sequences of one scope therefore become visible in
 * order: when a reader sees the scope's row at n, every change numbered ≤ n is committed (or was
 * rolled back and never existed). A pull reads that row first and then only changes ≤ n, and answers
 * n as the cursor of its last page; a change committed later takes a number above n and is found by
 * the next pull. Writers of different scopes do not wait for each other (their feeds are apart).
 */
/**
 * Takes the scope's feed lock for the rest of the transaction, before anything else is written: the
 * writers of a scope then queue at one place, so two transactions can never wait on each other (one
 * holding an idempotency key the other needs, the other the feed row): no deadlocks.
 */
export async function lockScope(tx: SqlQueryable, scope: string): Promise<void> {
  await tx.query(
    `INSERT INTO rtk_offline_scopes AS s (scope, seq) VALUES ($1, 0)
     ON CONFLICT (scope) DO UPDATE SET seq = s.seq`,
    [scope],
  )
}

/**
 * Takes `count` sequences at once (a batch push applied set-based): the scope's row goes up by `count`
 * and the first of the consecutive numbers is returned. The caller holds the scope's lock (lockScope),
 * so no other writer takes numbers in between, and the guarantee above holds as for nextSequence.
 */
export async function takeSequences(tx: SqlQueryable, scope: string, count: number): Promise<bigint> {
  const { rows } = await tx.query<{ seq: string }>(
    `INSERT INTO rtk_offline_scopes AS s (scope, seq) VALUES ($1, $2)
     ON CONFLICT (scope) DO UPDATE SET seq = s.seq + $2
     RETURNING seq::text AS seq`,
    [scope, count],
  )
  return BigInt(rows[0]!.seq) - BigInt(count) + 1n
}

export async function nextSequence(tx: SqlQueryable, scope: string): Promise<string> {
  const { rows } = await tx.query<{ seq: string }>(
    `INSERT INTO rtk_offline_scopes AS s (scope, seq) VALUES ($1, 1)
     ON CONFLICT (scope) DO UPDATE SET seq = s.seq + 1
     RETURNING seq::text AS seq`,
    [scope],
  )
  return rows[0]!.seq
}

/** The newest sequence of a scope, '0' before its first change. */
export async function headSequence(db: SqlQueryable, scope: string): Promise<string> {
  const { rows } = await db.query<{ seq: string }>('SELECT seq::text AS seq FROM rtk_offline_scopes WHERE scope = $1', [scope])
  return rows[0]?.seq ?? '0'
}

/** What a pull asks for. */
export interface FeedQuery {
  scope: string
  collection: string
  /** The cursor from the last page (a sequence), or null for a first pull. */
  since: string | null
  limit: number
  /** Field → values it may have (as text); a record matches when each field has one of its values. */
  filters: ReadonlyMap<string, readonly string[]>
}

interface FeedRow {
  id_value: unknown
  data: JsonObject | null
  matches: boolean
  seq: string
}

const DIGITS = /^\d+$/

/**
 * One page of the feed after `since`: each record changed after it once, in the order of its latest
 * change, as it is now. A record deleted (or no longer matching the filters) comes as `record: null`,
 * only to a client that may hold it: one whose cursor is at or past the record's first change (a
 * first pull gets no tombstones). A tombstone for a record such a client never held is harmless.
 *
 * A page with more to follow ends at its last entry's sequence; the last page ends at the scope's
 * head read before the page, so the next pull starts after everything seen. A cursor above the head
 * answers 410 (the data was reset): the client pulls again from null.
 */
export async function readFeedPage(db: SqlQueryable, query: FeedQuery): Promise<PullPage> {
  const { scope, collection, since, limit, filters } = query
  if (since !== null && !DIGITS.test(since))
    throw new SyncServerError(400, 'bad-request', `"cursor" must be a cursor from an earlier pull (digits), got "${since}".`)
  // The head first: everything at or below it is committed (see nextSequence), so reading up to it never skips.
  const head = await headSequence(db, scope)
  if (since !== null && BigInt(since) > BigInt(head))
    throw new SyncServerError(
      410,
      'cursor-ahead',
      `The cursor "${since}" is ahead of this server, whose newest change is ${head}: its data was reset or lost. Pull again without a cursor.`,
    )
  const params: unknown[] = [scope, collection, since ?? '0', head, limit + 1]
  const conditions = [...filters].map(([field, values]) => {
    params.push(field, [...values])
    return `(data ->> $${params.length - 1}) = ANY($${params.length}::text[])`
  })
  const matches = conditions.length === 0 ? 'data IS NOT NULL' : `data IS NOT NULL AND ${conditions.join(' AND ')}`
  const tombstonesFor = since === null ? 'false' : 'born_seq <= $3::bigint'
  const { rows } = await db.query<FeedRow>(
    `SELECT id_value, data, (${matches}) AS matches, seq::text AS seq
       FROM rtk_offline_records
      WHERE scope = $1 AND collection = $2 AND seq > $3::bigint AND seq <= $4::bigint
        AND ((${matches}) OR ${tombstonesFor})
      ORDER BY rtk_offline_records.seq
      LIMIT $5`,
    params,
  )
  const hasMore = rows.length > limit
  const page = rows.slice(0, limit)
  const changes: PullChange[] = page.map((row) => ({
    id: idOf(row),
    record: row.matches ? row.data : null,
  }))
  return { changes, cursor: hasMore ? page[page.length - 1]!.seq : head, hasMore }
}

/** The id as the record had it: a number stays a number, tombstones included. */
function idOf(row: FeedRow): string | number {
  const value = row.id_value
  return typeof value === 'number' ? value : String(value)
}
