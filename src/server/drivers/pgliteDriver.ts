import type { PGlite } from '@electric-sql/pglite'
import type { SqlDriver } from '../types'
import { toSqlParams, withSavepoints } from './savepoints'

/** Options of {@link createPgliteDriver}. */
export interface PgliteDriverOptions {
  /**
   * Where PGlite keeps its files (a folder, created if missing), so data outlives the process; leave it
   * out for a database in memory. Ignored when `db` is given.
   * @default undefined (in memory)
   */
  dataDir?: string
  /** A PGlite instance you made (and close); the driver then leaves it open on `close()`. */
  db?: PGlite
}

/**
 * A {@link SqlDriver} over PGlite (`@electric-sql/pglite`, an optional peer dependency: PostgreSQL
 * compiled to WebAssembly, in this process). The server's default for development and tests: no
 * database to install. PGlite has one connection, so transactions run one at a time; `LISTEN`/`NOTIFY`
 * work (delivered after commit), within this process only.
 *
 * @example
 * const db = await createPgliteDriver({ dataDir: './data' })
 */
export async function createPgliteDriver(options: PgliteDriverOptions = {}): Promise<SqlDriver> {
  let db = options.db
  const ownsDb = db === undefined
  if (!db) {
    const { PGlite } = await import('@electric-sql/pglite')
    db = await PGlite.create(options.dataDir)
  }
  const instance = db
  return {
    name: 'pglite',
    query: async (sql, params) => ({ rows: (await instance.query(sql, toSqlParams(params))).rows as never[] }),
    transaction: (work) =>
      instance.transaction((tx) =>
        work(withSavepoints({ query: async (sql, params) => ({ rows: (await tx.query(sql, toSqlParams(params))).rows as never[] }) })),
      ),
    async listen(channel, onMessage) {
      const stop = await instance.listen(channel, onMessage)
      return () => stop()
    },
    async close() {
      if (ownsDb) await instance.close()
    },
  }
}
