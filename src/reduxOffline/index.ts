// rtk-offline/redux-offline: run redux-offline's `meta.offline` actions on rtk-offline's outbox, and import a
// persisted redux-offline outbox. Every public name is listed here.

export { createReduxOffline, isReduxOfflineAction } from './createReduxOffline'
export { importReduxOfflineOutbox } from './importReduxOfflineOutbox'
export { defaultDiscard } from './defaultDiscard'
export { DEFAULT_COMMIT, DEFAULT_ROLLBACK } from './completionActions'

export type {
  ReduxOffline,
  ReduxOfflineOptions,
  ReduxOfflineAction,
  ReduxOfflineMeta,
  EffectRunner,
  EffectContext,
  DiscardPolicy,
  QueuedAction,
} from './types'
export type { ImportReduxOfflineOptions, ImportReduxOfflineResult, ReduxPersistStorage } from './importReduxOfflineOutbox'
export type { PersistedFormat } from './persistedOutbox'
export { createFetchEffect, EffectHttpError } from './fetchEffect'
export type { FetchEffect, FetchEffectOptions } from './fetchEffect'
