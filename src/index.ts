// rtk-offline: offline-first sync for Redux Toolkit. Every public name is listed here; nothing is public by accident.

export { createSyncedEntity } from './slices/createSyncedEntity'
export { createOfflineSync } from './createOfflineSync'
export { syncEvents } from './events/syncEvents'
export { createSyncMetrics } from './events/createSyncMetrics'
export { syncDevTools, type SyncDevToolsOptions } from './devtools/syncDevTools'
export { createSyncSelectors } from './selectors'
export { serverAssignedIds } from './serverIds/serverAssignedIds'
export { selectServerId, selectLocalId } from './serverIds/selectIds'
export { createRestAdapter, parseRetryAfter } from './adapters/rest'
export { createSyncProtocolAdapter } from './adapters/protocol'
export { createManualNetworkStatus, createBrowserNetworkStatus } from './core/networkStatus'
export { lastWriteWins, mergeFields, threeWayMerge, mergeAsSet, sumCounters, maxValue, lastWriteWinsField, deepMerge } from './conflicts'
// The actions an app dispatches (or the react entry dispatches for it). The engine's own events
// (opsSent, opsSettled, pulledPage, rehydrated, userSwitched, …) stay internal: the other entries import
// them by relative path.
export {
  // Ask for a drain now.
  syncNow,
  // Stop and start sending.
  pause,
  resume,
  // Handle failed operations.
  retryFailed,
  discardFailed,
  // Handle conflicts.
  dismissConflicts,
  resolveConflict,
  // Pull now (a WebSocket or SSE handler's hook).
  pullNow,
  // Tell the engine the device went online or offline, where `network` cannot see it.
  networkChanged,
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
  EntityActionMeta,
  PendingRecord,
  PendingChange,
  RecordUpdate,
  SyncedSliceState,
  LocalActions,
  NoFields,
} from './slices/createSyncedEntity'
// What createSyncedEntity takes of an existing createSlice + createEntityAdapter.
export type { ExistingSliceOptions, ServerLoadActions, LocalFields, RecordOf } from './slices/sliceOptions'
export type { OfflineSync, OfflineSyncOptions, OfflineSyncActions } from './createOfflineSync'
// The events of `sync.subscribe`.
export type {
  SyncEvent,
  SyncEventType,
  SyncEventListener,
  OpSummary,
  DrainStartedEvent,
  DrainFinishedEvent,
  OpSentEvent,
  OpConfirmedEvent,
  OpRetriedEvent,
  OpFailedEvent,
  OpConflictedEvent,
  RequestFinishedEvent,
  PullPageAppliedEvent,
  BreakerOpenedEvent,
  BreakerClosedEvent,
  StorageProblemEvent,
} from './events/types'
export type { SyncEventsPlugin } from './events/syncEvents'
export type { SyncMetrics, SyncMetricsOptions, SyncMetricsTracker } from './events/createSyncMetrics'
export type { Percentiles } from './events/sampleReservoir'
// The sync slice's state, as `state[reducerPath]` and the selectors show it.
export type { OutboxState, OutboxCounts, SyncConflict, PullProgress, StorageProblem } from './slices/outboxState'
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
export type { SyncProtocolAdapterOptions, ReconnectOptions } from './adapters/protocol'
export type { NetworkStatus, ManualNetworkStatus } from './core/networkStatus'
export type { RetryOptions } from './core/backoff'
export type { CircuitBreakerOptions, CircuitState } from './core/circuitBreaker'
export type { Timers } from './core/timers'
// `raisedBy` of the onError option.
export type { ErrorSource } from './middleware/errorSource'
export type { Operation, OperationKind, OperationStatus, Version, EntityId } from './types'
export type { SyncErrorInfo, SyncErrorCode } from './core/errors'
// `meta.offline` of an entity action the engine has seen (EntityActionMeta.offline).
export type { OfflineMeta } from './slices/actions'
// The contract of the `persist` option; persistence itself is the opt-in entry rtk-offline/persist.
export type { SyncPersistencePlugin, PersistenceStart, StorePersistence } from './persistencePlugin'
// The contract of the `serverIds` option of createSyncedEntity (serverAssignedIds()).
export type { ServerIdsPlugin, ServerIdsRuntime, AssignedIds } from './slices/serverIdsPlugin'
export type { ServerIdsOption } from './slices/createSyncedEntity'
export type { Change } from './core/change'
