import { combineReducers, configureStore, type Middleware, type UnknownAction } from '@reduxjs/toolkit'
import localforage from 'localforage'
import {
  createManualNetworkStatus,
  createOfflineSync,
  createSyncProtocolAdapter,
  createSyncedEntity,
  lastWriteWins,
  mergeFields,
  serverAssignedIds,
  type ConflictStrategy,
  type Operation,
} from '../../src'
import { createPersistence } from '../../src/persist'
import { opsSettled, resolveConflict } from '../../src/slices/actions'
import { isRemoteAction } from '../../src/slices/remoteAction'
import { ChaosClient, REQUEST_TIMEOUT_MS, THROTTLE_MS, scopeOf, type ClientConfig, type Page, type PageStore, type RootState, type Todo } from '../chaos/chaosClient'
import { crashable, type BaseStorage } from '../chaos/crashableStorage'
import type { ObservedServer } from './observedServer'
import { SERVER_URL } from './observedServer'
import { createProtocolFetch, EventTap, type ProtocolFault, type RequestFault } from './protocolFetch'

export interface ProtocolClientConfig extends Omit<ClientConfig, 'backend' | 'onFault' | 'confirmByPull' | 'subscribe' | 'serverIds' | 'settleCostMs'> {
  server: ObservedServer
  onFault(fault: ProtocolFault): void
  /** Listen to the server's event stream (`live: true`): the engine pulls when the server pokes. */
  live: boolean
  /** Pull right after a lost answer (a turn after the engine settled the failure), as an app's pull would. */
  pullAfterLostAnswer: boolean
  /** Server-assigned ids: todos with `serverIds` and a `parentId` reference to todos. */
  serverIds: boolean
}

/** The most operations in one push, the engine's and the adapter's. */
const BATCH_SIZE = 5

/**
 * A device of test/chaos (its IndexedDB storage, signed-in user, crashes and reloads, the oracle's view
 * of it) whose pages sync through `createSyncProtocolAdapter` with the real server (observedServer.ts),
 * behind the fault layer of protocolFetch.ts. One or two tabs per device on its storage (persistence's
 * tabs: one sender elected with Web Locks, the others follow it over a BroadcastChannel).
 *
 * Only `boot` differs from ChaosClient's: the adapter is the protocol's, and the harness's eyes on the
 * store (the ledger of every edit and of every change dropped for the server's record) see the same
 * actions. ChaosClient builds its REST adapter inside `boot`; an `adapter` option there would let this
 * class shrink to that option (asked of the suite's owner).
 */
export class ProtocolClient extends ChaosClient {
  /** Request faults queued for the client's next pushes and pulls. */
  readonly requestFaults: RequestFault[] = []
  readonly events = new EventTap()
  readonly #config: ProtocolClientConfig
  readonly #storage: BaseStorage
  readonly #fetch
  #generation = 0
  #opCounter = 0

  constructor(config: ProtocolClientConfig) {
    super({ ...config, backend: config.server, onFault: () => {}, settleCostMs: 0 })
    this.#config = config
    // The same IndexedDB database as ChaosClient's own instance (storedTokens and storedOpIds read it).
    const instance = localforage.createInstance({ name: config.storageName })
    this.#storage = {
      getItem: (key) => instance.getItem<string>(key),
      setItem: (key, value) => instance.setItem(key, value),
      removeItem: (key) => instance.removeItem(key),
      keys: () => instance.keys(),
      iterate: (visit) => instance.iterate(visit),
    }
    this.#fetch = createProtocolFetch({
      server: config.server,
      scheduler: config.scheduler,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
      events: this.events,
      nextFault: () => this.requestFaults.shift(),
      onFault: config.onFault,
      isExpired: () => this.tokenExpired,
      expire: () => (this.tokenExpired = true),
      log: config.trace && ((line) => config.trace!(`${this.name} ${line}`)),
      onLostAnswer: () => {
        if (!config.pullAfterLostAnswer) return
        const done = config.scheduler.track()
        setImmediate(() =>
          setImmediate(() => {
            done()
            for (const page of this.pages) if (!page.dead) page.store.dispatch(page.sync.actions.pullNow())
          }),
        )
      },
    })
  }

  override boot(tab = 0): Page {
    const config = this.#config
    const { scheduler, ledger, server } = config
    const generation = ++this.#generation
    const storage = crashable(this.#storage, scheduler)
    const todos = createSyncedEntity<Todo>({
      name: 'todos',
      conflict: this.#strategy(),
      ...(config.serverIds ? { serverIds: serverAssignedIds(), references: { parentId: 'todos' } } : {}),
    })
    const network = createManualNetworkStatus(this.online)
    const errors: unknown[] = []
    const page = { generation, tab, dead: false } as Page
    const adapter = createSyncProtocolAdapter({
      baseUrl: SERVER_URL,
      clientId: `${this.name}-g${generation}`,
      batchSize: BATCH_SIZE,
      live: config.live,
      reconnect: { baseDelayMs: 200, maxDelayMs: 2_000 },
      now: scheduler.now,
      timers: scheduler.timers,
      random: config.random,
      // The app's token provider: the operation's own user's token, or whoever is signed in now.
      headers: async (operation) => {
        await Promise.resolve()
        const user = operation ? operation.userId : this.user
        return { Authorization: `Bearer ${scopeOf(user)}` }
      },
      fetch: (input, init) => {
        // A dead page sends nothing more; what it sent before the crash is on the wire. (The tabs of a
        // device share its connection, its faults and its event tap.)
        if (page.dead) return Promise.reject(new TypeError('fetch failed: the page is gone'))
        return this.#fetch(input, init)
      },
    })
    const sync = createOfflineSync({
      entities: [todos],
      adapter,
      network,
      now: scheduler.now,
      timers: scheduler.timers,
      random: config.random,
      generateId: () => `${this.name}-g${generation}-op${++this.#opCounter}`,
      batchSize: BATCH_SIZE,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
      pullIntervalMs: 5_000,
      retry: { baseDelayMs: 100, maxDelayMs: 2_000 },
      circuitBreaker: { failureThreshold: 5, cooldownMs: 2_000 },
      onAuthError: async () => {
        await Promise.resolve()
        this.tokenExpired = false
        return true
      },
      onError: (error) => errors.push(error),
      persist: createPersistence({ storage, throttleMs: THROTTLE_MS, tabs: config.tabs > 1, locks: config.locks, key: this.key }),
    })
    const opBySeq = (state: unknown, seq: number): Operation | undefined => sync.selectors.selectOps(state).find((op) => op.seq === seq)
    // The harness's eyes on the store, as ChaosClient's: every edit and delete as the engine stamped it,
    // and every change dropped in favour of the server's record (unless the conflict was the client's own doing).
    const observer: Middleware = (api) => (next) => (action) => {
      const a = action as UnknownAction & { meta?: { offline?: { userId: string | null; stamps?: Array<{ id: string; recordId: string; change: { kind: string; data: unknown } }> } } }
      const stamps = a.meta?.offline?.stamps
      if (stamps && !page.dead && !isRemoteAction(action)) {
        const made = scopeOf(a.meta!.offline!.userId)
        for (const stamp of stamps) {
          if (stamp.change.kind === 'delete') ledger.deleted(this.name, made, stamp.recordId)
          else ledger.edited(this.name, `${this.name}#${tab}`, made, stamp.recordId, stamp.change.data)
          ledger.opTouched(stamp.id, this.name)
        }
      }
      const dropped = (op: Operation | undefined, base: Record<string, unknown> | null, remote: Record<string, unknown> | null, why: string) => {
        if (!op || server.selfInflicted(scopeOf(op.userId), String(op.recordId), base, remote, this.name)) return
        ledger.supersede(op.data, why)
      }
      if (opsSettled.match(action)) {
        if (action.payload.verdict === 'pulled' && !isRemoteAction(action)) this.settledByPull += action.payload.results.length
        for (const result of action.payload.results)
          if (result.type === 'conflict' && result.resolution === 'server-wins') dropped(opBySeq(api.getState(), result.seq), result.base, result.remote, `server-wins conflict on ${this.name}`)
      }
      if (resolveConflict.match(action) && action.payload.resolved && action.payload.resolved.next === null) {
        const parked = (api.getState() as RootState).offline.conflicts.find((c) => c.id === action.payload.id)
        dropped(opBySeq(api.getState(), action.payload.resolved.seq), parked?.base ?? null, parked?.remote ?? null, `"use theirs" on ${this.name}`)
      }
      return next(action)
    }
    const preloadedState = { offline: { ...sync.reducer(undefined, { type: '@@protocol-chaos/init' }), userId: this.user } }
    const reducer = combineReducers({ todos: todos.reducer, offline: sync.reducer })
    const store: PageStore = configureStore({
      reducer,
      preloadedState: preloadedState as Partial<ReturnType<typeof reducer>>,
      middleware: (getDefault) => getDefault({ serializableCheck: false, immutableCheck: false }).concat(sync.middleware, observer),
    }) as unknown as PageStore
    Object.assign(page, { storage, store, sync, todos, network, errors, persistor: sync.persist(store) })
    this.pages[tab] = page
    return page
  }

  #strategy(): ConflictStrategy<Todo> {
    const { strategy } = this.#config
    if (strategy === 'last-write-wins') return lastWriteWins()
    if (strategy === 'merge') return mergeFields()
    return strategy
  }
}
