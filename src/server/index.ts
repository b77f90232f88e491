/**
 * rtk-offline/server (Node only): the reference sync server on PostgreSQL, PGlite embedded by default.
 * See docs/server.md.
 */
export { createSyncServer } from './createSyncServer'
export { serveSyncServer } from './serve'
export { createPgDriver } from './drivers/pgDriver'
export { createPgliteDriver } from './drivers/pgliteDriver'
export { migrate, migrations, resetSyncTables } from './migrations'
export { pruneIdempotency } from './retention'
export { POKE_CHANNEL } from './pokes'
export {
  SyncServerError,
  SyncServerBadRequestError,
  SyncServerIdempotencyError,
  SyncServerValidationError,
} from './errors'

export type { SyncServerErrorCode } from './errors'
export type { Migration } from './migrations'
export type { PgDriverOptions } from './drivers/pgDriver'
export type { PgliteDriverOptions } from './drivers/pgliteDriver'
export type { PruneOptions } from './retention'
export type { ServeOptions, ServingSyncServer } from './serve'
export type {
  Authenticate,
  BatchResult,
  CollectionOptions,
  JsonObject,
  Operation,
  OperationKind,
  OperationResult,
  PullChange,
  PullPage,
  ServerTimers,
  SqlDriver,
  SqlQueryable,
  SqlResult,
  SqlTransaction,
  SyncIdentity,
  SyncServer,
  SyncServerOptions,
} from './types'
