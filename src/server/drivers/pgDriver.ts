import type { Pool, PoolClient, PoolConfig } from 'pg'
import { SyncSetupError } from '../../core/errors'
import type { SqlDriver, SqlResult } from '../types'
import { toSqlParams, withSavepoints } from './savepoints'

/** Options of {@link createPgDriver}: a connection string, or a `pg` Pool you made (and close). */
export type PgDriverOptions =
  | { connectionString: string; pool?: undefined; poolConfig?: Omit<PoolConfig, 'connectionString'> }
  | { pool: Pool; connectionString?: undefined }

/**
 * A {@link SqlDriver} over node-postgres (`pg`, an optional peer dependency: install it to use this):
 * a Pool for queries and transactions, and one dedicated connection for `LISTEN` when the server
 * listens, so pokes reach every instance on the same database.
 *
 * @example
 * const db = await createPgDriver({ connectionString: process.env.DATABASE_URL! })
 */
export async function createPgDriver(options: PgDriverOptions): Promise<SqlDriver> {
  let pool: Pool
  const ownsPool = options.pool === undefined
  if (options.pool) pool = options.pool
  else {
    if (typeof options.connectionString !== 'string' || options.connectionString === '')
      throw new SyncSetupError("createPgDriver needs a `connectionString` (e.g. process.env.DATABASE_URL) or a `pool` made with new pg.Pool().")
    const pg = await import('pg')
    const PoolClass = (pg.default ?? pg).Pool
    pool = new PoolClass({ ...options.poolConfig, connectionString: options.connectionString })
  }
  // An idle client's error (the database restarted) must not crash the process: the pool replaces it.
  pool.on('error', () => {})
  const listeners = new Set<PoolClient>()
  let closed = false

  const query = async <TRow>(client: Pool | PoolClient, sql: string, params?: readonly unknown[]): Promise<SqlResult<TRow>> => {
    const result = await client.query(sql, toSqlParams(params))
    return { rows: result.rows as TRow[] }
  }

  return {
    name: 'pg',
    query: (sql, params) => query(pool, sql, params),
    async transaction(work) {
      const client = await pool.connect()
      let broken: unknown
      try {
        await client.query('BEGIN')
        const result = await work(withSavepoints({ query: (sql, params) => query(client, sql, params) }))
        await client.query('COMMIT')
        return result
      } catch (error) {
        try {
          await client.query('ROLLBACK')
        } catch (rollbackError) {
          broken = rollbackError
        }
        throw error
      } finally {
        // A connection whose ROLLBACK failed is in an unknown state: drop it rather than reuse it.
        client.release(broken === undefined ? undefined : (broken as Error))
      }
    },
    async listen(channel, onMessage) {
      // One connection held for LISTEN. If it breaks (the database restarted, a proxy cut it), listen
      // again on a new one after a pause; pokes sent meanwhile are lost, and clients catch up at their
      // next pull. An 'error' event without a handler would crash the process.
      let client: PoolClient | null = null
      let stopped = false
      let retry: ReturnType<typeof setTimeout> | undefined
      const reconnect = (): void => {
        if (!stopped && !closed) retry = setTimeout(() => void connect().catch(reconnect), 1_000)
      }
      const connect = async (): Promise<void> => {
        const next = await pool.connect()
        if (stopped) return next.release()
        client = next
        listeners.add(next)
        next.on('notification', (message) => {
          if (message.channel === channel) onMessage(message.payload ?? '')
        })
        next.on('error', (error) => {
          if (client !== next) return
          listeners.delete(next)
          client = null
          next.release(error)
          reconnect()
        })
        try {
          await next.query(`LISTEN ${quoteIdentifier(channel)}`)
        } catch (error) {
          listeners.delete(next)
          client = null
          next.release(error as Error)
          throw error
        }
      }
      await connect()
      return async () => {
        stopped = true
        clearTimeout(retry)
        const current = client
        client = null
        if (!current || !listeners.delete(current)) return
        try {
          await current.query(`UNLISTEN ${quoteIdentifier(channel)}`)
        } finally {
          current.release()
        }
      }
    },
    async close() {
      closed = true
      for (const client of listeners) client.release()
      listeners.clear()
      if (ownsPool) await pool.end()
    },
  }
}

/** A channel name as an SQL identifier (it cannot be a parameter in LISTEN). */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`
}
