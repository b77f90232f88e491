import type { MiddlewareAPI, UnknownAction } from '@reduxjs/toolkit'
import type { SyncAdapter } from '../adapters/types'
import type { ResolvedRetryOptions } from '../core/backoff'
import type { SyncErrorInfo } from '../core/errors'
import type { NetworkStatus } from '../core/networkStatus'
import type { Timers } from '../core/timers'
import type { ConflictStrategy } from '../conflicts/types'
import type { EntityInternals } from '../slices/createSyncedEntity'
import type { OutboxState } from '../slices/outboxState'
import type { ErrorSource } from './errorSource'
import type { ServerIdsRuntime } from '../slices/serverIdsPlugin'
import type { InFlightRequests } from './shared/inFlightRequests'

/** What the sync engine is built from: one per `createOfflineSync`, shared by every store it runs in. */
export interface SyncEngineConfig {
  reducerPath: string
  /** Pull every so often (ms); 0 only on the other triggers. */
  pullIntervalMs: number
  /** The conflict strategy of entities that set none. */
  defaultConflict: ConflictStrategy
  generateId: () => string
  entities: ReadonlyMap<string, EntityInternals>
  adapter: SyncAdapter
  network: NetworkStatus
  retry: ResolvedRetryOptions
  batchSize: number
  requestTimeoutMs: number
  random: () => number
  now: () => number
  timers: Timers
  onAuthError: ((error: SyncErrorInfo | null) => boolean | Promise<boolean>) | undefined
  onError: (error: unknown, info: { raisedBy: ErrorSource }) => void
  /** Told when a run of the drain begins (`running`) and ends, for sync events (src/events). */
  onDrain?: (api: MiddlewareAPI, running: boolean) => void
  /** Server-assigned ids' hooks, when an entity has `serverIds`. */
  serverIds: ServerIdsRuntime | null
}

/** What the engine needs of one store's context (its persistence), and what it hands back to it. */
export interface SyncStoreContext {
  persistence: { opsStored(ids?: readonly string[]): Promise<boolean>; isSender(): boolean } | null
  /**
   * Set by the engine: aborts this store's requests in flight and drops their answers, and holds new ones
   * until the userSwitched action. Persistence calls it when another user signs in, before anything of the
   * new user is restored.
   */
  abortInFlight?: (why: string) => void
}

/** The engine of one store: what every handler of that store reads and shares. */
export interface SyncEngine {
  readonly config: SyncEngineConfig
  readonly api: MiddlewareAPI
  readonly store: SyncStoreContext
  /**
   * The engine's one AbortSignal: aborted by `stop()`. Handlers end their timers and subscriptions on it,
   * and the requests in flight are aborted with it.
   */
  readonly signal: AbortSignal
  /** The requests in flight: their signal, aborted when the engine stops or another user signs in. */
  readonly requests: InFlightRequests
  /**
   * Ids of operations a pull in flight asks the backend about (confirmation by pull): the drain holds
   * them until that pull's answer is settled, so an operation whose answer was lost is not sent again
   * while the backend is telling whether it has it.
   */
  readonly asking: Set<string>
  /** The sync slice of this store, now. */
  outbox(): OutboxState
}

/** One listener of a handler: run after the reducers saw a matching action, with the listener API. */
export interface SyncListener {
  predicate: (action: UnknownAction) => boolean
  /** `listenerApi.signal` aborts when the engine stops (its listeners are cleared). */
  effect: (action: UnknownAction, listenerApi: { signal: AbortSignal }) => void | Promise<void>
}

/**
 * One behaviour of the engine (push, pull, auth, network, user switch), one file each in ./handlers. The
 * builder (buildSyncMiddleware) makes each handler per store and composes them in a loop: it adds every
 * listener to the store's one listener middleware and calls every `start`. A handler ends what it started
 * when `engine.signal` aborts. What a handler offers the others (auth's `refreshCredentials`, pull's
 * `request`) sits beside these fields.
 */
export interface SyncHandler {
  /** What the handler does; for messages and tests. */
  readonly name: string
  /** The actions it reacts to. */
  readonly listeners: readonly SyncListener[]
  /** Runs once the store is set up (subscriptions, a first pull). */
  start?(): void
}
