import type { SqlQueryable, SqlTransaction } from '../types'

/**
 * Makes a {@link SqlTransaction} of a connection inside `BEGIN … COMMIT`: savepoints are plain SQL
 * (`SAVEPOINT`, `RELEASE`, `ROLLBACK TO`), the same on PostgreSQL and PGlite, so both drivers share this.
 * Savepoint names are numbered per transaction so nested ones never clash.
 */
export function withSavepoints(connection: SqlQueryable): SqlTransaction {
  let next = 0
  const transaction: SqlTransaction = {
    query: (sql, params) => connection.query(sql, params),
    async savepoint(work) {
      const name = `rtk_sp_${(next += 1)}`
      await connection.query(`SAVEPOINT ${name}`)
      let result
      try {
        result = await work(transaction)
      } catch (error) {
        await connection.query(`ROLLBACK TO SAVEPOINT ${name}`)
        await connection.query(`RELEASE SAVEPOINT ${name}`)
        throw error
      }
      await connection.query(`RELEASE SAVEPOINT ${name}`)
      return result
    },
  }
  return transaction
}

/** Parameters as both drivers take them: plain objects and arrays of objects go as JSON text. */
export function toSqlParams(params: readonly unknown[] | undefined): unknown[] {
  return (params ?? []).map((value) =>
    value !== null && typeof value === 'object' && !(value instanceof Date) && !(Array.isArray(value) && value.every((item) => typeof item === 'string'))
      ? JSON.stringify(value)
      : value,
  )
}
