import type { SqlQueryable } from './types'

/** Options of {@link pruneIdempotency}. */
export interface PruneOptions {
  /**
   * Rows older than this many milliseconds go. Keep it longer than a client can stay offline with
   * operations it may send again (its outbox): a replay after the row is gone is applied a second time.
   * @default 30 days
   */
  olderThanMs?: number
  /** The clock, in epoch milliseconds. @default () => Date.now() */
  now?: () => number
}

/**
 * Deletes idempotency rows (and client rows) older than `olderThanMs`: the table grows by one row per
 * operation, and a row is needed only while its client may send the operation again. Run it on a
 * schedule (a cron job, or a timer in one instance); it is safe to run on several at once.
 * Resolves to the number of idempotency rows deleted.
 *
 * @example
 * setInterval(() => void pruneIdempotency(db, { olderThanMs: 30 * 86_400_000 }), 3_600_000)
 */
export async function pruneIdempotency(db: SqlQueryable, options: PruneOptions = {}): Promise<number> {
  const cutoff = (options.now ?? (() => Date.now()))() - (options.olderThanMs ?? 30 * 86_400_000)
  const { rows } = await db.query<{ count: string }>(
    'WITH gone AS (DELETE FROM rtk_offline_idempotency WHERE created_at < $1 RETURNING 1) SELECT count(*)::text AS count FROM gone',
    [cutoff],
  )
  await db.query('DELETE FROM rtk_offline_clients WHERE updated_at < $1', [cutoff])
  return Number(rows[0]?.count ?? 0)
}
