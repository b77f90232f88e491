import type { Middleware, Reducer, UnknownAction } from '@reduxjs/toolkit'
import type { SyncAdapter } from './adapters/types'
import type { SyncErrorInfo } from './core/errors'
import { resolveRetryOptions, type RetryOptions } from './core/backoff'
import { resolveCircuitBreakerOptions, type CircuitBreakerOptions } from './core/circuitBreaker'
import { buildSyncMiddleware } from './middleware/buildSyncMiddleware'
import type { ErrorSource } from './middleware/errorSource'
import { buildEnqueueMiddleware } from './middleware/enqueueMiddleware'
import { createBrowserNetworkStatus, type NetworkStatus } from './core/networkStatus'
import { globalTimers, type Timers } from './core/timers'
import { createSyncSelectors, type SyncSelectors } from './selectors'
import { discardFailed, dismissConflicts, networkChanged, pause, pullNow, resolveConflict, resume, retryFailed, syncNow } from './slices/actions'
import type { EntityInternals, SyncedEntityLike } from './slices/createSyncedEntity'
import { buildOutboxSlice, type OutboxConfig, type OutboxState } from './slices/outboxSlice'
import type { Persistor, StorePersistence, SyncPersistencePlugin } from './persistencePlugin'
import type { ServerIdsPlugin, ServerIdsRuntime } from './slices/serverIdsPlugin'
import { SyncSetupError } from './core/errors'
import { checkNumber } from './core/checkNumber'
import type { ConflictStrategy } from './conflicts/types'
import { checkConflictStrategy } from './conflicts/checkConflictStrategy'
import type { SyncEventsPlugin } from './events/syncEvents'
import type { SyncEventListener } from './events/types'

/** Options of {@link createOfflineSync}. */
export interface OfflineSyncOptions<TPath extends string = 'offline'> {
  /** The synced entities (from `createSyncedEntity`); mount each reducer under its name. */
  entities: readonly SyncedEntityLike[]
  /** How to reach the backend, for example `createRestAdapter({ baseUrl })`. */
  adapter: SyncAdapter
  /**
   * Whether the device is online.
   * @default navigator.onLine and the window's online/offline events; always online where they do not exist
   */
  network?: NetworkStatus
  /** Backoff between attempts and when to give up. */
  retry?: RetryOptions
  /** When to stop sending to a failing backend and for how long. */
  circuitBreaker?: CircuitBreakerOptions
  /**
   * Merge changes of one record made before any of them was sent (create+update → create,
   * update+update → update, update+delete → delete, create+delete → nothing). Off sends every change
   * as made, in order.
   * @default true
   */
  coalesce?: boolean
  /**
   * Operations per `push` (at most one per record, sent in parallel by the REST adapter).
   * @default 20
   */
  batchSize?: number
  /**
   * A push that takes longer is aborted and retried.
   * @default 30_000
   */
  requestTimeoutMs?: number
  /**
   * Randomness for backoff jitter, in [0, 1).
   * @default Math.random
   */
  random?: () => number
  /**
   * The clock, in epoch milliseconds.
   * @default () => Date.now()
   */
  now?: () => number
  /**
   * Makes operation ids (also the idempotency keys).
   * @default () => crypto.randomUUID()
   */
  generateId?: () => string
  /**
   * Timer functions for retry waits and request timeouts.
   * @default the global setTimeout/clearTimeout, looked up at each call
   */
  timers?: Timers
  /**
   * Called when the backend asks for credentials (401/403). Sending pauses (`phase: 'auth-required'`)
   * until it resolves `true`; otherwise until `resume()` is dispatched.
   */
  onAuthError?: (error: SyncErrorInfo | null) => boolean | Promise<boolean>
  /**
   * Errors thrown by the adapter, `onAuthError` or the drain. The queue goes on after each.
   * @default console.error
   */
  onError?: (error: unknown, info: { raisedBy: ErrorSource }) => void
  /**
   * Pull remote changes this often, in milliseconds; 0 pulls only at start, on coming online, after
   * a drain that changed something, and on `pullNow`. In Node this timer does not keep the process
   * alive (it is `unref`'d): a script ends once its changes are sent.
   * @default 60_000
   */
  pullIntervalMs?: number
  /**
   * How conflicts of entities without a `conflict` option of their own are settled: `'server-wins'`,
   * `'client-wins'`, `'manual'` or a resolver function (see createSyncedEntity's `conflict`).
   * @default 'server-wins'
   */
  conflict?: ConflictStrategy
  /**
   * Where the sync slice is mounted.
   * @default 'offline'
   */
  reducerPath?: TPath
  /**
   * Keep the outbox and the synced slices in storage across reloads and crashes:
   * `createPersistence({ ... })` from `rtk-offline/persist`. Start it with `sync.persist(store)`;
   * nothing is sent until the restore is done.
   */
  persist?: SyncPersistencePlugin
  /**
   * Turns sync events on: `syncEvents` (from 'rtk-offline'). Then `sync.subscribe(listener)` tells what the
   * engine does, and `createSyncMetrics(sync)` and `<SyncInspector sync={sync} />` can read it. Off, an
   * app ships none of the code that reads events out of the engine.
   */
  events?: SyncEventsPlugin
}

/** The actions an app dispatches to steer sync. */
export interface OfflineSyncActions {
  syncNow: typeof syncNow
  pause: typeof pause
  resume: typeof resume
  retryFailed: typeof retryFailed
  discardFailed: typeof discardFailed
  dismissConflicts: typeof dismissConflicts
  resolveConflict: typeof resolveConflict
  pullNow: typeof pullNow
  networkChanged: typeof networkChanged
}

/** What {@link createOfflineSync} returns. */
export interface OfflineSync<TPath extends string = 'offline'> {
  /** A literal type, so `{ [sync.reducerPath]: sync.reducer }` types the store's state. */
  readonly reducerPath: TPath
  readonly reducer: Reducer<OutboxState>
  /** Add with `middleware: (getDefault) => getDefault().concat(sync.middleware)`. */
  readonly middleware: Middleware
  readonly actions: OfflineSyncActions
  readonly selectors: SyncSelectors
  /**
   * Starts persistence for a store made with this instance's middleware (requires the `persist`
   * option): restores what storage holds, merged with anything dispatched meanwhile, then writes every
   * change. Returns the persistor; `await persistor.ready` to know the restore is done.
   */
  persist(store: { getState(): unknown; dispatch: (action: never) => unknown }): Persistor
  /** Resolves once everything dispatched so far, in every persisted store of this instance, is in storage. */
  flush(): Promise<void>
  /**
   * Stops sending in every store that uses this instance: no more requests, retry timers or network
   * listening. Requests in flight are aborted (`PushOptions.signal`, `PullRequest.signal`) and their late
   * answers change nothing; their operations go again after a reload. For tests, hot reload and
   * shutting a Node process down.
   * Changes dispatched afterwards are still applied and queued.
   */
  stop(): void
  /**
   * Needs the `events` option (`events: syncEvents`).
   * Calls `listener` with every sync event of every store that uses this instance: drains started and
   * finished, operations sent, confirmed, retried, failed or in conflict, requests answered, pull pages
   * applied, the circuit breaker opening and closing, storage problems (see {@link SyncEvent}). Events are
   * told synchronously, in the order of the actions that caused them; a listener that throws is reported
   * to `onError` (`raisedBy: 'listener'`) and sync goes on. Returns the function that unsubscribes.
   *
   * @example
   * ```ts
   * const unsubscribe = sync.subscribe((event) => {
   *   if (event.type === 'opFailed') console.warn('rejected', event.op.entity, event.op.recordId, event.error.message)
   * })
   * ```
   */
  subscribe(listener: SyncEventListener): () => void
}

/** One store this instance's middleware is part of. */
interface StoreContext {
  getState: () => unknown
  persistence: StorePersistence | null
  /** This store's seq slot (0 until persistence with tabs has claimed one). */
  slot: number
  /** Set by the engine: aborts the store's requests in flight (a user switch). */
  abortInFlight?: (why: string) => void
}

/**
 * The `persist` option, checked in development: made by createPersistence, not a plain options object
 * (the shape before 0.2).
 */
function persistencePlugin(persist: unknown): SyncPersistencePlugin | null {
  if (persist === undefined) return null
  const plugin = persist as Partial<SyncPersistencePlugin> | null
  if (
    process.env.NODE_ENV !== 'production' &&
    (plugin === null || typeof plugin !== 'object' || plugin['~rtkOfflinePersistence'] !== true || typeof plugin.start !== 'function')
  )
    throw new SyncSetupError(
      "the `persist` option takes createPersistence({ ... }) from 'rtk-offline/persist', not a plain object: pass `persist: createPersistence({ storage, key, ... })` (the same options as before).",
    )
  return plugin as SyncPersistencePlugin
}

/** An optional integer option ≥ 1 (checked in development), or its default. */
const positiveInteger = (name: string, value: number | undefined, fallback: number): number =>
  value === undefined ? fallback : process.env.NODE_ENV !== 'production' ? checkNumber(`\`${name}\``, value, 1, true) : value

/**
 * Creates the sync engine for a set of entities: a reducer for the outbox and status, a middleware that
 * queues every entity change and drains the queue to the adapter, actions to steer it and selectors for the UI.
 *
 * @example
 * ```ts
 * const sync = createOfflineSync({ entities: [todos], adapter: createRestAdapter({ baseUrl: '/api' }) })
 * const store = configureStore({
 *   reducer: { todos: todos.reducer, [sync.reducerPath]: sync.reducer },
 *   middleware: (getDefault) => getDefault().concat(sync.middleware),
 * })
 * ```
 */
export function createOfflineSync<const TPath extends string = 'offline'>(
  options: OfflineSyncOptions<TPath>,
): OfflineSync<TPath> {
  const reducerPath = options.reducerPath ?? ('offline' as TPath)
  // Programmer errors, checked in development only (as RTK checks its options): a production build
  // (NODE_ENV=production) drops these checks and their messages.
  if (process.env.NODE_ENV !== 'production') {
    if (!options || !Array.isArray(options.entities) || options.entities.length === 0)
      throw new SyncSetupError('`entities` is a required option for createOfflineSync: a non-empty array of createSyncedEntity() results.')
    if (!options.adapter || typeof options.adapter.push !== 'function')
      throw new SyncSetupError('`adapter` is a required option for createOfflineSync: an object with push(operations, { signal }), such as createRestAdapter({ baseUrl }).')
    checkConflictStrategy(options.conflict, 'createOfflineSync')
    const names = new Set<string>()
    for (const entity of options.entities) {
      if (!entity || typeof entity !== 'object' || !entity['~rtkOffline'])
        throw new SyncSetupError('every item of `entities` must come from createSyncedEntity().')
      if (names.has(entity.name)) throw new SyncSetupError(`two entities are named "${entity.name}"; names must be unique.`)
      names.add(entity.name)
    }
    if (names.has(reducerPath))
      throw new SyncSetupError(`the entity "${reducerPath}" clashes with the sync slice's reducerPath; choose another reducerPath.`)
    for (const entity of options.entities) {
      const serverIds = entity['~rtkOffline'].serverIds as unknown
      if (serverIds !== undefined && (serverIds === null || typeof serverIds !== 'object' || !('~rtkOfflineServerIds' in serverIds)))
        throw new SyncSetupError(
          `\`serverIds\` of "${entity.name}" takes serverAssignedIds() from 'rtk-offline' (createSyncedEntity({ name: '${entity.name}', serverIds: serverAssignedIds() })), got ${String(serverIds)}.`,
        )
    }
  }
  const entities = new Map<string, EntityInternals>(options.entities.map((entity) => [entity.name, entity['~rtkOffline']]))
  const network = options.network ?? createBrowserNetworkStatus()
  const generateId = options.generateId ?? (() => crypto.randomUUID())
  const onError = options.onError ?? ((error, info) => console.error(`rtk-offline: error raised by ${info.raisedBy}:`, error))
  const persist = persistencePlugin(options.persist)
  // With tabs sharing one outbox (persistence decides), seqs interleave: counter × seqSlots + the tab's
  // slot, claimed by persistence so that two tabs never make the same seq (Durability invariant 2). Until
  // the claim is done (before the restore) a store numbers with slot 0; the restore renumbers that work
  // under the claimed slot before anything is stored or shared.
  const tabs = persist !== null && persist.sharesOutbox
  const seqSlots = persist ? persist.seqSlots : 1
  const slotOf = (getState: () => unknown): number => {
    for (const context of contexts) if (context.getState === getState) return context.slot
    return 0
  }
  const seqConfig = { seqSlots, slot: slotOf }
  const now = options.now ?? (() => Date.now())
  // Sync events (the `events` option): the hub reads them out of the engine's actions.
  const events = options.events?.['~rtkOfflineEvents']({ reducerPath, now, onError })
  const circuitBreaker = resolveCircuitBreakerOptions(options.circuitBreaker)
  const outboxConfig: OutboxConfig = {
    reducerPath,
    priorities: new Map([...entities].map(([name, entity]) => [name, entity.priority])),
    circuitBreaker,
    isOnline: () => network.isOnline(),
    persistent: persist !== null,
    seqSlots: seqConfig.seqSlots,
  }
  // Persistence brings the reducers of its own actions (the restore, tabs): an app that never persists
  // bundles none of them.
  if (persist) {
    outboxConfig.persistenceCases = persist.reducers.outboxCases(outboxConfig)
    for (const entity of entities.values()) entity.persistence = persist.reducers.entity
  }
  // Server-assigned ids bring their hooks through the entities' `serverIds` option: an app without them
  // bundles none of the remap.
  let serverIds: ServerIdsRuntime | null = null
  for (const entity of entities.values()) serverIds ??= (entity.serverIds as ServerIdsPlugin | undefined)?.install({ reducerPath, entities }) ?? null
  if (serverIds) for (const entity of entities.values()) entity.remap = serverIds.entity
  const slice = buildOutboxSlice(outboxConfig)
  const outboxReducer: Reducer<OutboxState> = serverIds
    ? (state, action) => serverIds.outbox(state, slice.reducer(state, action), action)
    : slice.reducer
  const enqueue = buildEnqueueMiddleware({
    reducerPath,
    entities,
    now,
    generateId,
    coalesce: options.coalesce ?? true,
    // Durability invariant 1 (a sent operation is frozen), with tabs: when tabs share an outbox nothing is
    // merged, not even by the sending tab. The sender can change at any moment (its tab closes or crashes)
    // and the tab elected next may send an operation before the merge into it arrives over the channel;
    // the merge would then change the body under a key already used, or be lost with the confirmation.
    // Every change is its own operation there; a single tab (or tabs: false) coalesces as before.
    mayCoalesce: () => !tabs,
    mayFill: (getState) => {
      // Per dispatch: a plain loop over the (usually one) stores, no array built.
      for (const context of contexts) if (context.getState === getState) return !tabs || !context.persistence || context.persistence.isSender()
      return true
    },
    ...seqConfig,
  })
  const engine = buildSyncMiddleware({
    reducerPath,
    defaultConflict: options.conflict ?? 'server-wins',
    pullIntervalMs: options.pullIntervalMs ?? 60_000,
    generateId,
    entities,
    adapter: options.adapter,
    network,
    retry: resolveRetryOptions(options.retry),
    batchSize: positiveInteger('batchSize', options.batchSize, 20),
    requestTimeoutMs: positiveInteger('requestTimeoutMs', options.requestTimeoutMs, 30_000),
    random: options.random ?? Math.random,
    now,
    timers: options.timers ?? globalTimers,
    onAuthError: options.onAuthError,
    onError,
    onDrain: events?.drain,
    serverIds,
  })
  // Each store the middleware is part of, found again by `persist(store)` through its getState (Redux
  // hands middleware the store's own getState function).
  const contexts = new Set<StoreContext>()
  // Enqueue first (validate and stamp), then the engine's handlers (push, pull, …), which react after the reducers ran,
  // then persistence, which writes what the action changed.
  const middleware: Middleware = (api) => {
    const context: StoreContext = { getState: api.getState, persistence: null, slot: 0 }
    contexts.add(context)
    const enqueueNext = enqueue(api)
    const engineNext = engine.middleware(api, context)
    return (next) => {
      const persistNext = (action: unknown) => {
        const persistence = context.persistence
        const told = events?.listening()
        if (!persistence && !told) return next(action)
        const before = api.getState()
        const result = next(action)
        const after = api.getState()
        persistence?.afterAction(before, after, action as UnknownAction)
        // Sync events, told after the reducers saw the action (and before the engine's listeners react to it).
        if (told) events!.tap(action as UnknownAction, before, after, api.getState)
        return result
      }
      const queued = enqueueNext(engineNext(persistNext))
      return serverIds ? (action) => queued(serverIds.beforeAction(action as UnknownAction, api.getState())) : queued
    }
  }
  return {
    reducerPath,
    reducer: outboxReducer,
    middleware,
    actions: { syncNow, pause, resume, retryFailed, discardFailed, dismissConflicts, resolveConflict, pullNow, networkChanged },
    selectors: createSyncSelectors(reducerPath),
    persist(store) {
      const found = [...contexts].find((candidate) => candidate.getState === store.getState)
      // Setup mistakes, checked in development only (see the option checks above).
      if (process.env.NODE_ENV !== 'production') {
        if (!persist)
          throw new SyncSetupError(
            "persist(store) needs the `persist` option of createOfflineSync, e.g. createOfflineSync({ ..., persist: createPersistence() }) with createPersistence from 'rtk-offline/persist'.",
          )
        if (!found) throw new SyncSetupError('persist(store) needs a store made with sync.middleware (configureStore({ middleware: (g) => g().concat(sync.middleware) })).')
      }
      // Kept in production: a second persistence of one store would write over the first.
      const context = found!
      if (context.persistence) throw new SyncSetupError('persist(store) was already called for this store; use the persistor it returned.')
      context.persistence = persist!.start({
        reducerPath,
        entities,
        store: store as { getState(): unknown; dispatch(action: UnknownAction): unknown },
        now,
        timers: options.timers ?? globalTimers,
        seqFor: (counter) => counter * seqSlots + context.slot,
        counterAfter: (seq) => Math.floor(seq / seqSlots) + 1,
        setSlot: (slot) => {
          context.slot = slot
        },
        onError: (error) => onError(error, { raisedBy: 'storage' }),
        abortInFlight: (why) => context.abortInFlight?.(why),
      })
      return context.persistence
    },
    async flush() {
      await Promise.all([...contexts].map((context) => context.persistence?.flush()))
    },
    subscribe(listener) {
      if (process.env.NODE_ENV !== 'production' && !events)
        throw new SyncSetupError(
          "sync.subscribe needs the `events` option: createOfflineSync({ ..., events: syncEvents }) with syncEvents from 'rtk-offline'.",
        )
      return events ? events.subscribe(listener) : () => {}
    },
    stop() {
      engine.stop()
      for (const context of contexts) context.persistence?.stop()
    },
  }
}
