// rtk-offline/query: RTK Query mutations queued in rtk-offline's durable outbox. Every public name is listed here.

export { createOfflineMutations } from './createOfflineMutations'
export { offlineBaseQuery, withIdempotencyHeader } from './offlineBaseQuery'
export { classifyMutationError } from './classifyMutationError'

export type { OfflineBaseQueryOptions } from './offlineBaseQuery'
export type { AnyApi } from './apiShape'
export type {
  OfflineMutations,
  OfflineMutationsOptions,
  OfflineEndpointOptions,
  PatchQueryData,
  MutationEndpointName,
  MutationErrorKind,
  QueuedMutation,
} from './types'
