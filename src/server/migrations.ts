import type { SqlDriver } from './types'

/** One step of the schema, applied once, in order of `version`. */
export interface Migration {
  version: number
  name: string
  /** Statements run in order (one each, since PGlite's queries take one statement). */
  statements: readonly string[]
}

/**
 * The server's schema, as versioned steps. Never edit a released step: add the next one. Every table
 * has `scope` first in its key, so one scope's rows sit together and no query crosses scopes.
 */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'records, change feed, idempotency, clients',
    statements: [
      `-- Per scope: the sequence of its newest change. Writers of a scope update this row in their
      -- transaction, so they commit one after another in sequence order (see changeFeed.ts).
      CREATE TABLE rtk_offline_scopes (
        scope text PRIMARY KEY,
        seq bigint NOT NULL
      )`,
      `-- Each record once, as it is now: data null is a deletion (a tombstone, kept so pulls can say so
      -- and a create after it goes on from its version). seq is its latest change: the change feed.
      CREATE TABLE rtk_offline_records (
        scope text NOT NULL,
        collection text NOT NULL,
        id text NOT NULL,
        id_value jsonb NOT NULL,
        data jsonb,
        version integer NOT NULL,
        seq bigint NOT NULL,
        born_seq bigint NOT NULL,
        PRIMARY KEY (scope, collection, id)
      )`,
      `CREATE INDEX rtk_offline_records_feed ON rtk_offline_records (scope, collection, seq)`,
      `-- Exactly-once: what each operation (by its idempotency key) was answered, written in the
      -- transaction of its change.
      CREATE TABLE rtk_offline_idempotency (
        scope text NOT NULL,
        key text NOT NULL,
        user_id text NOT NULL,
        request_hash text NOT NULL,
        status integer,
        result jsonb,
        created_at bigint NOT NULL,
        PRIMARY KEY (scope, key)
      )`,
      `CREATE INDEX rtk_offline_idempotency_age ON rtk_offline_idempotency (created_at)`,
      `-- Confirmation by pull: the last operation each client had applied.
      CREATE TABLE rtk_offline_clients (
        scope text NOT NULL,
        client_id text NOT NULL,
        last_operation text NOT NULL,
        updated_at bigint NOT NULL,
        PRIMARY KEY (scope, client_id)
      )`,
    ],
  },
  {
    version: 2,
    name: 'server-assigned ids',
    statements: [
      `-- Collections with assignIds: the last id given to a create, per scope and collection. A create
      -- takes the next one in its write's transaction (the row stays locked until it commits), so ids
      -- are unique and increasing, and a replay of its key answers the stored id without taking one.
      CREATE TABLE rtk_offline_ids (
        scope text NOT NULL,
        collection text NOT NULL,
        last_id bigint NOT NULL,
        PRIMARY KEY (scope, collection)
      )`,
    ],
  },
]

/** The key of the advisory lock that lets one instance migrate while the others wait. */
const MIGRATION_LOCK = 7_310_415_101

/**
 * Brings the schema up to date: creates the migrations table if missing and applies the steps it has
 * not recorded, each in the transaction that records it. Idempotent, and safe when several instances
 * start at once on one database (an advisory lock makes them take turns).
 */
export async function migrate(db: SqlDriver): Promise<number[]> {
  const applied = await db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`)
    await tx.query(`CREATE TABLE IF NOT EXISTS rtk_offline_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`)
    const { rows } = await tx.query<{ version: number }>('SELECT version FROM rtk_offline_migrations')
    const done = new Set(rows.map((row) => Number(row.version)))
    const applied: number[] = []
    for (const step of migrations) {
      if (done.has(step.version)) continue
      for (const statement of step.statements) await tx.query(statement)
      await tx.query('INSERT INTO rtk_offline_migrations (version, name) VALUES ($1, $2)', [step.version, step.name])
      applied.push(step.version)
    }
    return applied
  })
  // Planner statistics for tables that already hold data (a restart). Without them the record lookups
  // (scope, collection, id) take the feed index (scope, collection, seq) and filter the whole scope
  // (measured on PGlite at 10,000 records: 23-30 ms a lookup instead of 0.1 ms). PGlite never
  // autovacuums, so without this its tables would never be analysed; PostgreSQL's autovacuum analyses
  // them later on its own. On empty tables (a first start) it changes no plan: see docs/server.md.
  await db.query(`ANALYZE ${SYNC_TABLES.join(', ')}`)
  return applied
}

/** The server's tables (the migrations table aside). */
const SYNC_TABLES = ['rtk_offline_scopes', 'rtk_offline_records', 'rtk_offline_idempotency', 'rtk_offline_clients', 'rtk_offline_ids']

/** Empties every table of the server (the schema stays): for tests and for resetting a development database. */
export async function resetSyncTables(db: SqlDriver): Promise<void> {
  await db.query(`TRUNCATE ${SYNC_TABLES.join(', ')}`)
}
