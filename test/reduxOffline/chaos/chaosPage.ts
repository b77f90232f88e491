import { combineReducers, configureStore, type Middleware, type Reducer, type UnknownAction } from '@reduxjs/toolkit'
import { createManualNetworkStatus, createOfflineSync } from '../../../src'
import { createPersistence } from '../../../src/persist'
import { createFetchEffect, createReduxOffline, importReduxOfflineOutbox, type ImportReduxOfflineResult, type ReduxOfflineAction } from '../../../src/reduxOffline'
import { crashable, type BaseStorage } from '../../chaos/crashableStorage'
import type { Clock, Work } from '../../query/chaos/clock'
import { baseUrl } from './todoServer'
import { pageLocks } from '../../support/fakeLocks'

export const REQUEST_TIMEOUT_MS = 2_000
export const PERSIST_KEY = 'redux-offline-chaos'
/** Where redux-offline 2.x (redux-persist 4) kept its state: the importer's default key. */
export const OLD_KEY = 'reduxPersist:offline'

export type Kind = 'create' | 'update' | 'delete'

/** What the app's reducers received of one action: its commits and rollbacks. */
export interface Settled {
  commits: number
  rollbacks: number
}

/** The app's state: a ledger of every commit and rollback its reducers received, by token. */
export interface AppState {
  settled: Record<string, Settled>
  /** Whether its state is restored (redux-persist's REHYDRATE came), when the page restores one. */
  restored: boolean
  /** Tokens whose commit or rollback came before the restore (which would overwrite what they did). */
  early: string[]
}

/** The action redux-persist dispatches once it has restored the app's state. */
export const REHYDRATE = 'persist/REHYDRATE'

/**
 * A redux-offline action of the app: a create, update or delete of a todo, its effect carrying a unique
 * token, its commit and rollback naming it. What a redux-offline app dispatches, unchanged.
 */
export function todoAction(kind: Kind, id: string, token: string): ReduxOfflineAction {
  const effect =
    kind === 'create'
      ? { url: `${baseUrl}/todos`, method: 'POST', json: { id, token } }
      : { url: `${baseUrl}/todos/${id}`, method: kind === 'update' ? 'PATCH' : 'DELETE', json: { token } }
  return {
    type: `todos/${kind}`,
    payload: { id, token },
    meta: { offline: { effect, commit: { type: 'todos/committed', meta: { token } }, rollback: { type: 'todos/rolledBack', meta: { token } } } },
  }
}

/** The token of a queued action (or of a commit/rollback, in its meta). */
export const tokenOf = (action: unknown): string | undefined => {
  const value = action as { payload?: { token?: unknown }; meta?: { token?: unknown } } | null
  const token = value?.payload?.token ?? value?.meta?.token
  return typeof token === 'string' ? token : undefined
}

/** The app's own reducer, as a redux-offline app writes it: here it counts what settles each action. */
function appReducer(state: AppState | undefined, action: UnknownAction, restoredAtStart: boolean): AppState {
  state ??= { settled: {}, restored: restoredAtStart, early: [] }
  if (action.type === REHYDRATE) return { ...state, restored: true }
  if (action.type !== 'todos/committed' && action.type !== 'todos/rolledBack') return state
  const token = tokenOf(action)
  if (token === undefined) return state
  const was = state.settled[token] ?? { commits: 0, rollbacks: 0 }
  const now = action.type === 'todos/committed' ? { ...was, commits: was.commits + 1 } : { ...was, rollbacks: was.rollbacks + 1 }
  return { ...state, settled: { ...state.settled, [token]: now }, early: state.restored ? state.early : [...state.early, token] }
}

/**
 * For a replay by hand: with `RO_CHAOS_DEBUG=1` and `globalThis.roChaosJournal = []`, every action each page
 * sees is listed there (`g<generation> <type> <payload>`).
 */
const journal =
  (generation: number): Middleware =>
  () =>
  (next) =>
  (action) => {
    const lines = process.env.RO_CHAOS_DEBUG ? (globalThis as { roChaosJournal?: string[] }).roChaosJournal : undefined
    lines?.push(`g${generation} ${(action as UnknownAction).type} ${JSON.stringify((action as UnknownAction).payload)?.slice(0, Number(process.env.RO_CHAOS_DEBUG) || 300)} ${JSON.stringify((action as UnknownAction).meta ?? null).slice(0, Number(process.env.RO_CHAOS_DEBUG) || 300)}`)
    return next(action)
  }

export interface PageContext {
  clock: Clock
  base: BaseStorage
  works: Map<string, Work>
  generation: number
  online: boolean
  tabs: boolean
  locks: LockManager
  /** Whether the page imports the old redux-offline outbox at start (as the guide says: at every start). */
  importOld: boolean
  /**
   * The app restores its own state (redux-persist) and dispatches REHYDRATE this many turns after loading,
   * with `holdUntil` waiting for it; null: no state of its own to restore.
   */
  rehydrateAfter: number | null
}

/** One page load of the app on rtk-offline/redux-offline: the fetch effect, the engine, persistence on the device's storage. */
export function openChaosPage(context: PageContext) {
  const { clock, generation } = context
  const storage = crashable(context.base, clock)
  const pageLock = pageLocks(context.locks)
  let dead = false
  let requests = 0
  const fetchFn: typeof fetch = async (input, init) => {
    if (dead) throw new TypeError('fetch failed: the page is gone')
    const request = new Request(input, init)
    const id = `g${generation}-r${++requests}`
    request.headers.set('x-chaos-request', id)
    const work = clock.work()
    context.works.set(id, work)
    try {
      return await fetch(request)
    } finally {
      work.done()
      context.works.delete(id)
    }
  }
  const errors: unknown[] = []
  let queued = 0
  const reduxOffline = createReduxOffline({
    effect: createFetchEffect({ fetch: fetchFn }),
    now: clock.now,
    random: () => 0.5,
    retry: { baseDelayMs: 100, maxDelayMs: 2_000 },
    generateId: () => `g${generation}-q${++queued}`,
    ...(context.rehydrateAfter === null ? {} : { holdUntil: (action: UnknownAction) => action.type === REHYDRATE }),
  })
  const network = createManualNetworkStatus(context.online)
  let ops = 0
  const sync = createOfflineSync({
    entities: [reduxOffline.entity],
    adapter: reduxOffline.adapter(),
    network,
    now: clock.now,
    timers: clock.timers,
    random: () => 0.5,
    generateId: () => `g${generation}-op${++ops}`,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    retry: { baseDelayMs: 100, maxDelayMs: 2_000 },
    circuitBreaker: { failureThreshold: 5, cooldownMs: 2_000 },
    pullIntervalMs: 0,
    // A fresh token is always at hand: the 401s injected are expired tokens.
    onAuthError: async () => {
      await Promise.resolve()
      return true
    },
    onError: (error) => errors.push(error),
    persist: createPersistence({ storage, throttleMs: 10, tabs: context.tabs, locks: pageLock.locks, key: PERSIST_KEY }),
  })
  const store = configureStore({
    reducer: combineReducers({ app: (state: AppState | undefined, action: UnknownAction) => appReducer(state, action, context.rehydrateAfter === null), [reduxOffline.name]: reduxOffline.reducer, [sync.reducerPath]: sync.reducer } as Record<string, Reducer>) as unknown as Reducer<{
      app: AppState
      [slice: string]: unknown
    }>,
    middleware: (getDefault) =>
      getDefault({ serializableCheck: false, immutableCheck: false })
        .prepend(journal(generation))
        .concat(reduxOffline.middleware, sync.middleware),
  })
  /**
   * Tokens this page dispatched, or had queued at a rest (the runner adds them): each must be settled here
   * once. (Not at any moment: with tabs, what a page restores may list an action another tab settled
   * already, until the other tab's answer to its hello replaces it; that settlement was before its time.)
   */
  const seen = new Set<string>()
  const outbox = () => reduxOffline.selectOutbox(store.getState())
  const persistor = sync.persist(store)
  const imported: { result?: ImportReduxOfflineResult; error?: unknown } = {}
  if (context.importOld)
    importReduxOfflineOutbox({ store, sync, persistor, reduxOffline, storage, key: OLD_KEY, locks: pageLock.locks }).then(
      (result) => void (imported.result = result),
      (error: unknown) => void (imported.error = error),
    )
  if (context.rehydrateAfter !== null) {
    // redux-persist reading the app's state: a few turns, counted as work so a settle waits for it.
    const done = clock.track()
    void (async () => {
      for (let turn = 0; turn < context.rehydrateAfter!; turn++) await new Promise<void>((resolve) => setImmediate(resolve))
      if (!dead) store.dispatch({ type: REHYDRATE })
      done()
    })()
  }
  return {
    generation,
    reduxOffline,
    sync,
    store,
    network,
    persistor,
    storage,
    errors,
    seen,
    imported,
    get dead() {
      return dead
    },
    outbox,
    settled: () => store.getState().app.settled,
    /** Tokens whose commit or rollback reached the app's reducers before its state was restored. */
    early: () => store.getState().app.early,
    pending: () => sync.selectors.selectPendingCount(store.getState()),
    failed: () => sync.selectors.selectFailed(store.getState()),
    /** The page dies at this instant: storage cut off, engine and persistence stopped, nothing flushed. */
    crash() {
      storage.crash()
      dead = true
      sync.stop()
      persistor.stop()
      // The browser releases a dead tab's locks at once (its seq slot, the sender lock).
      pageLock.crash()
    },
    /** The page is closed after everything it did is stored. */
    async close() {
      await sync.flush()
      storage.crash()
      dead = true
      sync.stop()
      persistor.stop()
    },
  }
}

export type ChaosPage = ReturnType<typeof openChaosPage>
