import type { StandardSchemaV1 } from '@standard-schema/spec'

/** A JSON object, as records and operation bodies are. */
export type JsonObject = Record<string, unknown>

/** The rows a query returns, as plain objects keyed by column name. */
export interface SqlResult<TRow = Record<string, unknown>> {
  rows: TRow[]
}

/** Anything that runs one SQL statement with `$1`-style parameters: a driver, a transaction. */
export interface SqlQueryable {
  /** Runs one statement; `params` fill `$1`, `$2`…; objects are sent as JSON (for `jsonb` columns). */
  query<TRow = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<SqlResult<TRow>>
}

/**
 * A transaction: queries run inside it, and {@link SqlTransaction.savepoint} nests a part that can fail
 * alone (rolled back to the savepoint) without undoing the rest.
 */
export interface SqlTransaction extends SqlQueryable {
  /**
   * Runs `work` under a savepoint: released when it resolves, rolled back to (and the error rethrown)
   * when it rejects. The transaction itself goes on either way.
   */
  savepoint<T>(work: (tx: SqlTransaction) => Promise<T>): Promise<T>
}

/**
 * What the server needs of a database: queries, transactions with savepoints and, where the database
 * has them, notifications across connections (PostgreSQL `LISTEN`/`NOTIFY`). The same SQL runs on
 * every driver: {@link createPgDriver} (node-postgres, a real PostgreSQL) and {@link createPgliteDriver}
 * (PGlite, PostgreSQL in WebAssembly, in memory or in a folder).
 */
export interface SqlDriver extends SqlQueryable {
  /** A short name for logs and docs: `'pg'`, `'pglite'`. */
  readonly name: string
  /**
   * Runs `work` in one transaction (READ COMMITTED): committed when it resolves, rolled back when it
   * rejects (the error is rethrown).
   */
  transaction<T>(work: (tx: SqlTransaction) => Promise<T>): Promise<T>
  /**
   * Calls `onMessage` with the payload of each `NOTIFY channel` committed by any connection, this one
   * included; resolves to a function that stops listening. Leave it out when the database cannot
   * notify: the server then pokes only the clients of its own process.
   */
  listen?(channel: string, onMessage: (payload: string) => void): Promise<() => Promise<void>>
  /** Closes the connections the driver opened (not a pool or database that was handed to it). */
  close(): Promise<void>
}

/** Who a request is from, as {@link SyncServerOptions.authenticate} says. */
export interface SyncIdentity {
  /** The user. Recorded with each idempotency row. */
  userId: string
  /**
   * The scope whose rows the request reads and writes (a user, a team). Everything the server holds
   * belongs to one scope; a request never sees another's.
   * @default userId
   */
  scope?: string
}

/** Decides who a request is from; `null` answers 401 and nothing is read or written. */
export type Authenticate = (request: Request) => SyncIdentity | null | Promise<SyncIdentity | null>

/** A collection's settings. */
export interface CollectionOptions {
  /**
   * A Standard Schema (Zod, Valibot, ArkType…) each stored record must satisfy: the created record, or
   * an updated record after its patch. A record that fails is refused with 422 `validation-failed`
   * and nothing is written.
   */
  schema?: StandardSchemaV1
  /**
   * Server-assigned ids (for client entities created with `serverIds: serverAssignedIds()`): a create
   * stores the record under an id the server gives it, not the one it was sent with (the client's
   * temporary id, which is not kept), and answers the record with that id. Ids are `'1'`, `'2'`, … per
   * scope and collection (strings, increasing, skipping ids already held), taken in the write's
   * transaction: a create sent again under its idempotency key answers the same id and takes none. A
   * REST create may leave the body's `id` out (or null). Updates and deletes name records by the server's id.
   * @default false: records keep the ids clients made
   * @example collections: { orders: { assignIds: true }, items: {} }
   */
  assignIds?: boolean
}

/** Options of {@link createSyncServer}. */
export interface SyncServerOptions {
  /** The database: {@link createPgDriver} or {@link createPgliteDriver}. Not closed by `server.close()`. */
  db: SqlDriver
  /**
   * Who a request is from. Return `null` for no or bad credentials (401).
   * @example
   * authenticate: async (request) => {
   *   const token = request.headers.get('Authorization')?.replace(/^Bearer /, '')
   *   const user = token ? await verifyToken(token) : null
   *   return user && { userId: user.id, scope: user.teamId }
   * }
   */
  authenticate: Authenticate
  /**
   * The collections clients may use, by name, each with optional settings. Requests naming another
   * answer 404 (REST) or a 400 result (batch). Leave it out to accept any collection name made of
   * letters, digits, `_` and `-`.
   * @default undefined (any collection)
   * @example { todos: { schema: todoSchema }, lists: {} }
   */
  collections?: Record<string, CollectionOptions>
  /**
   * The largest request body accepted, in bytes; a larger one answers 413 and nothing is read.
   * @default 1_048_576 (1 MiB)
   */
  bodyLimitBytes?: number
  /**
   * The most operations one `POST /sync/push` may carry; more answers 400 `batch-too-large`.
   * @default 500
   */
  maxBatch?: number
  /**
   * The most changes one pull page holds; a client asking for more gets this many.
   * @default 500
   */
  pageSize?: number
  /**
   * The field of each record that holds its server version (a number: 1 on create, one more per write).
   * @default 'version'
   */
  versionField?: string
  /**
   * The field stamped with the time of each write (epoch milliseconds), or `null` to leave records as
   * sent. The mock backend stamps `updatedAt` too, so last-write-wins conflict strategies work alike.
   * @default 'updatedAt'
   */
  updatedAtField?: string | null
  /**
   * The clock, in epoch milliseconds: write stamps and idempotency rows' age.
   * @default () => Date.now()
   */
  now?: () => number
  /**
   * How often an event stream sends a keep-alive comment, in milliseconds, so proxies keep it open.
   * @default 25_000
   */
  keepAliveMs?: number
  /**
   * Timers for the event streams' keep-alive, injectable for tests.
   * @default setInterval / clearInterval, looked up on each call
   */
  timers?: ServerTimers
  /** Called with errors the server caught and answered as 5xx, for logging. */
  onError?: (error: unknown) => void
}

/** The interval timers the server uses. */
export interface ServerTimers {
  setInterval(callback: () => void, ms: number): unknown
  clearInterval(handle: unknown): void
}

/** A running sync server: a web-standard request handler. */
export interface SyncServer {
  /** Answers one request; never rejects (failures answer 5xx). Hand it to `serve` or call it in tests. */
  fetch(request: Request): Promise<Response>
  /**
   * Ends the open event streams and stops listening for notifications. The database is not closed
   * (whoever made the driver closes it).
   */
  close(): Promise<void>
}

/** The kinds of operation, as the engine makes them. */
export type OperationKind = 'create' | 'update' | 'delete'

/**
 * One write, as the batch push and the REST routes both hand it to the server: the same rules, the same
 * idempotency row, whichever way it came.
 */
export interface Operation {
  /** The idempotency key (the operation id); null for a REST write sent without `Idempotency-Key`. */
  key: string | null
  collection: string
  /**
   * The record id as sent (`1` and `'1'` name the same record). For a create in a collection with
   * `assignIds`, the client's temporary id (`''` for a REST create whose body had none): the server's id
   * replaces it when the create is applied.
   */
  recordId: string | number
  kind: OperationKind
  /** `create`: the whole record; `update`: a JSON merge patch; `delete`: null. */
  data: JsonObject | null
  /** The `If-Match` the write is made on (entity tags, or a bare version); null for no check. */
  ifMatch: string | null
}

/** What became of one operation: an HTTP status and the record or an error. */
export interface OperationResult {
  status: number
  /** The server's copy after the write (2xx), or the current one (409, 412); null when it is gone. */
  record?: JsonObject | null
  /** Why it was refused (4xx, 5xx). */
  error?: { code: string; message: string }
}

/** One result of `POST /sync/push`, or of `answered` in a pull. */
export interface BatchResult extends OperationResult {
  /** The operation id. */
  id: string
}

/** One entry of a pull page: the record as it is now, or null for a deletion. */
export interface PullChange {
  id: string | number
  record: JsonObject | null
}

/** A page of changes, as `POST /sync/pull` and `GET /:collection?since=` answer it. */
export interface PullPage {
  changes: PullChange[]
  cursor: string
  hasMore: boolean
}
