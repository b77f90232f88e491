// rtk-offline: offline-first sync for Redux Toolkit. Every public name is listed here; nothing is public by accident.

export { createSyncedEntity } from './slices/createSyncedEntity'
export { createOfflineSync } from './createOfflineSync'
export { createSyncSelectors } from './selectors'
export { createRestAdapter, parseRetryAfter } from './adapters/rest'
export { createManualNetworkStatus, createBrowserNetworkStatus } from './core/networkStatus'
export { lastWriteWins, mergeFields, threeWayMerge, mergeAsSet, sumCounters, maxValue, lastWriteWinsField, deepMerge } from './conflicts'
export {
  syncNow,
  pause,
  resume,
  retryFailed,
  discardFailed,
  dismissConflicts,
  networkChanged,
  opsSent,
  opsSettled,
  drainWaiting,
  authRestored,
  retryDue,
  rehydrated,
  storageCorrupted,
  storageFailed,
  userSwitched,
  senderElected,
  resolveConflict,
  pullNow,
  pullStarted,
  pulledPage,
  pullFailed,
} from './slices/actions'
export {
  SyncError,
  SyncValidationError,
  SyncNetworkError,
  SyncTimeoutError,
  SyncHttpError,
  SyncAdapterError,
  SyncInvalidResponseError,
  SyncSetupError,
  SyncStorageError,
  toErrorInfo,
} from './core/errors'

export type {
  SyncedEntity,
  SyncedEntityLike,
  SyncedEntityOptions,
  SyncedEntityActions,
  SyncedEntityState,
  EntityInternals,
  EntityActionMeta,
  PendingRecord,
  PendingChange,
  RecordUpdate,
} from './slices/createSyncedEntity'
export type { OfflineSync, OfflineSyncOptions, OfflineSyncActions } from './createOfflineSync'
export type { OutboxState, OutboxCounts, SyncConflict, PullProgress } from './slices/outboxSlice'
export type { SyncSelectors, SyncStatus, SyncPhase, PullStatus } from './selectors'
export type {
  ConflictContext,
  ConflictResolution,
  ConflictResolver,
  ConflictStrategy,
  ConflictStrategyName,
  LastWriteWinsOptions,
  MergeFieldsOptions,
  MergeFallback,
  FieldMerger,
  FieldSides,
  ThreeWayMergeOptions,
  ThreeWayMergeResult,
  DeepMergeOptions,
} from './conflicts'
export type { ConflictResolutionKind } from './conflicts/decideConflict'
export type { SyncAdapter, SyncOutcome, OutgoingOperation, PushOptions, PullRequest, PullPage } from './adapters/types'
export type {
  RestAdapterOptions,
  RestHeaders,
  RestFetch,
  RestRequest,
  RestRoute,
  RestRouteContext,
  RestRoutes,
  ParseRecord,
  ParsePull,
} from './adapters/rest'
export type { NetworkStatus, ManualNetworkStatus } from './core/networkStatus'
export type { RetryOptions } from './core/backoff'
export type { CircuitBreakerOptions, CircuitState } from './core/circuitBreaker'
export type { Timers } from './core/timers'
export type { ErrorSource } from './middleware/drainListener'
export type { Operation, OperationKind, OperationStatus, Version, EntityId } from './types'
export type { SyncErrorInfo, SyncErrorCode } from './core/errors'
export type {
  OpStamp,
  OfflineMeta,
  Settlement,
  BatchVerdict,
  RevivedOp,
  RehydratePayload,
  StoredEntity,
  StorageProblem,
} from './slices/actions'
// The contract of the `persist` option; persistence itself is the opt-in entry rtk-offline/persist.
export type { SyncPersistencePlugin, PersistenceStart, StorePersistence } from './persistencePlugin'
export type { Change } from './core/change'
export type { Trie } from './core/trie'
