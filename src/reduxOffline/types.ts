import type { Middleware, Reducer, UnknownAction } from '@reduxjs/toolkit'
import type { RetryOptions, SyncAdapter, SyncedEntityLike, SyncedEntityState } from 'rtk-offline'

/**
 * `meta.offline` of a redux-offline action: what to send (`effect`, handed to your effect runner as it
 * is) and what to dispatch when it succeeded (`commit`) or failed for good (`rollback`).
 */
export interface ReduxOfflineMeta {
  /** Whatever your effect runner understands (redux-offline's default: `{ url, method, json, headers }`). */
  effect: unknown
  /** Dispatched after the effect succeeded, with `payload` = the effect's result. */
  commit?: UnknownAction
  /** Dispatched after the effect failed for good (see `discard`), with `payload` = the error. */
  rollback?: UnknownAction
}

/** An action as redux-offline queues it: any action whose `meta.offline` has an `effect`. */
export interface ReduxOfflineAction extends UnknownAction {
  meta: { offline: ReduxOfflineMeta; [key: string]: unknown }
}

/** What the effect runner gets besides redux-offline's two arguments. */
export interface EffectContext {
  /**
   * The operation id of this queued action: the same on every attempt and after a reload. Send it as an
   * `Idempotency-Key` header (or the like) so that a server which keeps it applies the effect once even
   * when the answer was lost and the effect runs again (at-least-once on the client; exactly-once needs
   * the server).
   */
  idempotencyKey: string
  /** How many times this action was handed to the effect runner before (redux-offline's `retries`). */
  retries: number
  /** Aborted when the attempt times out (`requestTimeoutMs`) or the sync engine stops. */
  signal: AbortSignal
}

/**
 * Runs one effect, as redux-offline's `effect` config: resolve with the result (the commit's `payload`),
 * reject with an error (given to `discard`; redux-offline's default effect rejects with an error that has
 * the HTTP `status`).
 */
export type EffectRunner = (effect: unknown, action: ReduxOfflineAction, context: EffectContext) => Promise<unknown>

/**
 * Decides, as redux-offline's `discard` config, whether a failed effect is given up (`true`: the action
 * is listed as failed and its `rollback` is dispatched) or tried again later (`false`: with rtk-offline's
 * backoff and circuit breaker).
 */
export type DiscardPolicy = (error: unknown, action: ReduxOfflineAction, retries: number) => boolean | Promise<boolean>

/** Options of {@link createReduxOffline}. */
export interface ReduxOfflineOptions<TName extends string = string> {
  /**
   * Runs each queued action's `meta.offline.effect`.
   * @default createFetchEffect(): redux-offline's default effect (`{ url, json, ...fetch options }`), with
   * the idempotency key sent as an `Idempotency-Key` header
   */
  effect?: EffectRunner
  /**
   * When a failed effect is given up. A function of yours is obeyed as it answers.
   * @default an error with an HTTP `status` of 4xx is given up, except 408, 425 and 429 (tried again) and
   * 401, 403 (sending pauses for credentials: `onAuthError` of createOfflineSync); anything else (5xx, a
   * network error, an error without a status) is tried again. redux-offline gives up errors without a
   * status; here a network failure never drops queued work.
   */
  discard?: DiscardPolicy
  /**
   * The synced entity holding the queued actions; mount its reducer under this name.
   * @default 'reduxOffline'
   */
  name?: TName
  /**
   * Keeps sending paused from the store's first action until an action this returns true for: your
   * state's restore, so that no commit or rollback reaches your reducers before the state they change is
   * back; commits and rollbacks of actions another tab ran meanwhile wait too, and are dispatched right
   * after it. With redux-persist: `(action) => action.type === 'persist/REHYDRATE'` (redux-offline sent
   * nothing before it either). Leave it out when your reducers' state is not restored from storage.
   */
  holdUntil?: (action: UnknownAction) => boolean
  /**
   * Backoff of a failed effect, and of the actions queued behind it (they wait for it: effects run one at
   * a time, in the order they were queued, as in redux-offline). Use the same values as createOfflineSync's
   * `retry`.
   * @default { baseDelayMs: 1000, maxDelayMs: 60_000 }
   */
  retry?: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs'>
  /**
   * The clock, in epoch milliseconds.
   * @default () => Date.now()
   */
  now?: () => number
  /**
   * Randomness for backoff jitter, in [0, 1).
   * @default Math.random
   */
  random?: () => number
  /**
   * Makes the record id of each queued action.
   * @default () => crypto.randomUUID()
   */
  generateId?: () => string
}

/** A queued action as the synced entity holds it. */
export interface QueuedAction {
  id: string
  action: ReduxOfflineAction
  /** The effect's result, set when it is confirmed (the record is dropped from the view right after). */
  result?: unknown
}

/** What {@link createReduxOffline} returns. */
export interface ReduxOffline<TName extends string = string> {
  /** Where to mount {@link ReduxOffline.reducer}: a literal type, so `{ [reduxOffline.name]: reduxOffline.reducer }` types the state. */
  readonly name: TName
  /** The synced entity of queued actions: list it in `createOfflineSync({ entities })`. */
  readonly entity: SyncedEntityLike
  /** Its reducer: mount it under `name`. */
  readonly reducer: Reducer<SyncedEntityState<QueuedAction>>
  /**
   * Queues actions that carry `meta.offline.effect` and dispatches their commit or rollback. Put it
   * before `sync.middleware`: `getDefault().concat(reduxOffline.middleware, sync.middleware)`.
   */
  readonly middleware: Middleware
  /**
   * The adapter for createOfflineSync: the queued actions' operations go to the effect runner, every
   * other entity's to `adapter` (your REST or sync-protocol adapter), if you have synced entities too.
   */
  adapter(adapter?: SyncAdapter): SyncAdapter
  /** The actions still queued, oldest first (redux-offline's `state.offline.outbox`). */
  selectOutbox(state: unknown): ReduxOfflineAction[]
  /**
   * Queues an action without dispatching it to your reducers: what the importer does with a persisted
   * redux-offline outbox, whose optimistic changes are already in your state. `id` is the record id.
   */
  queued(action: ReduxOfflineAction, id?: string): UnknownAction
}
