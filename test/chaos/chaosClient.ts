import 'fake-indexeddb/auto'
import { combineReducers, configureStore, type Middleware, type UnknownAction } from '@reduxjs/toolkit'
import localforage from 'localforage'
import {
  createManualNetworkStatus,
  createOfflineSync,
  createRestAdapter,
  createSyncedEntity,
  lastWriteWins,
  serverAssignedIds,
  mergeFields,
  type ConflictStrategy,
  type ManualNetworkStatus,
  type Operation,
  type OutboxState,
  type SyncAdapter,
  type SyncedEntityState,
} from '../../src'
import { createPersistence } from '../../src/persist'
import { opsSettled, resolveConflict } from '../../src/slices/actions'
import { isRemoteAction } from '../../src/slices/remoteAction'
import { crashable, type BaseStorage, type CrashableStorage } from './crashableStorage'
import { createFaultyFetch, type Fault } from './faultyFetch'
import type { Ledger } from './ledger'
import { tokensOf, type ReferenceBackend } from './referenceBackend'
import type { Scheduler } from './scheduler'

export type Todo = Record<string, unknown> & { id: string; title: string; version?: number }


/** `CHAOS_ACTIONS`: trace every action of every tab (see the observer in `boot`). */
const ACTIONS = process.env.CHAOS_ACTIONS
/** A scenario's strategy by name; the opt-in ones are made by their factories with default options. */
export type StrategyName = 'server-wins' | 'client-wins' | 'last-write-wins' | 'merge' | 'manual'
export const STRATEGIES: readonly StrategyName[] = ['server-wins', 'client-wins', 'last-write-wins', 'merge', 'manual']

export const BASE_URL = 'http://chaos.test/api'
export const REQUEST_TIMEOUT_MS = 1000
export const THROTTLE_MS = 50

/** The server scope of a signed-in user. */
export const scopeOf = (user: string | null) => user ?? 'anon'

export interface ClientConfig {
  name: string
  strategy: StrategyName
  scheduler: Scheduler
  backend: ReferenceBackend
  ledger: Ledger
  random: () => number
  /** A storage name unique to this scenario and client. */
  storageName: string
  onFault(fault: Fault): void
  trace?: (line: string) => void
  /** Tabs open on the client's storage: 1, or 2 sharing one outbox (persist tabs with Web Locks). */
  tabs: number
  /** The browser's Web Locks, shared by the client's tabs. */
  locks: LockManager
  /** Confirmation by pull: the REST adapter's `confirmByPull`, and a pull right after each lost answer. */
  confirmByPull?: boolean
  /** Live pokes through the adapter's `subscribe` (the engine pulls), instead of the harness dispatching pullNow. */
  subscribe?: boolean
  /** What each opsSettled costs on the engine's clock (ChaosFeatures.costlySettles), 0 for nothing. */
  settleCostMs: number
  /** Server-assigned ids: todos with `serverIds` and a `parentId` reference to todos (ChaosFeatures.serverIds). */
  serverIds?: boolean
}

/** An open live subscription of a page: the scope whose writes it hears of, until its signal aborts. */
interface Subscription {
  scope: string
  onChange: (entity?: string) => void
  signal: AbortSignal
}

export interface RootState {
  todos: SyncedEntityState<Todo>
  offline: OutboxState
}

export interface PageStore {
  getState(): RootState
  dispatch(action: UnknownAction): unknown
}

/** One page load of a client: a store with its sync engine and persistence on the client's storage. */
export interface Page {
  generation: number
  tab: number
  storage: CrashableStorage
  store: PageStore
  sync: ReturnType<typeof createOfflineSync>
  todos: ReturnType<typeof createSyncedEntity<Todo>>
  persistor: ReturnType<ReturnType<typeof createOfflineSync>['persist']>
  network: ManualNetworkStatus
  dead: boolean
  errors: unknown[]
}

const faultApplies = (fault: Fault, method: string, path: string) => {
  const onRecord = method === 'PATCH' || method === 'DELETE'
  if (fault.startsWith('412') || fault.startsWith('409')) return onRecord
  if (fault === 'drop-after' || fault === 'slow' || fault === 'late') return method !== 'GET' || path.includes('?')
  return true
}

/**
 * A client device of the scenario: its own IndexedDB storage (localforage over fake-indexeddb), the
 * signed-in user, a queue of faults for its next requests, and the current page. A crash kills the page
 * and `boot()` loads a new one on the same storage, as a reload does.
 */
export class ChaosClient {
  readonly name: string
  user: string | null = null
  readonly usersSeen = new Set<string | null>([null])
  /** The open tabs, by index; a crashed tab is replaced by its reload. */
  readonly pages: Page[] = []
  online = true
  /** The signed-in token expired (a 401 fault); the server refuses every request until onAuthError refreshes it. */
  tokenExpired = false
  readonly faults: Fault[] = []
  private generation = 0
  private opCounter = 0
  /** Operations settled by what a pull answered (confirmation by pull), for the figures. */
  settledByPull = 0
  /** Live subscriptions the engine opened (`subscribe`), of every page of the client. */
  readonly subscriptions: Subscription[] = []
  private readonly base: BaseStorage & { dropInstance(): Promise<void> }
  private readonly fetch

  constructor(private readonly config: ClientConfig) {
    this.name = config.name
    const instance = localforage.createInstance({ name: config.storageName })
    this.base = {
      getItem: (key) => instance.getItem<string>(key),
      setItem: (key, value) => instance.setItem(key, value),
      removeItem: (key) => instance.removeItem(key),
      keys: () => instance.keys(),
      iterate: (visit) => instance.iterate(visit),
      dropInstance: () => instance.dropInstance(),
    }
    this.fetch = createFaultyFetch({
      backend: config.backend,
      scheduler: config.scheduler,
      baseUrl: BASE_URL,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
      nextFault: ({ method, path }) => {
        const index = this.faults.findIndex((fault) => faultApplies(fault, method, path))
        return index < 0 ? undefined : this.faults.splice(index, 1)[0]
      },
      onFault: config.onFault,
      isExpired: () => this.tokenExpired,
      expire: () => (this.tokenExpired = true),
      log: config.trace && ((line) => config.trace!(`${this.name} ${line}`)),
      onLostAnswer: () => {
        if (!config.confirmByPull) return
        // The app pulls soon after the failure (a poke, the periodic pull, the user): the pull asks
        // about the operation whose answer was lost. A turn later, once the engine has settled the failure.
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

  /** The server wrote in `scope`: every live subscription of that scope hears of it, a turn later. */
  poke(scope: string): void {
    for (const subscription of this.subscriptions.splice(0)) {
      if (subscription.signal.aborted) continue
      this.subscriptions.push(subscription)
      if (subscription.scope !== scope) continue
      const done = this.config.scheduler.track()
      setImmediate(() => {
        done()
        if (!subscription.signal.aborted) subscription.onChange('todos')
      })
    }
  }

  /** The first tab. */
  get page(): Page {
    return this.pages[0]!
  }

  get tabs(): number {
    return this.config.tabs
  }

  /** The persist key; each client its own, so tabs of different clients never share a channel or a lock. */
  get key(): string {
    return `chaos-${this.name}`
  }

  /** Loads a page in a tab on the client's storage, signed in as the client's user; the restore starts at once. */
  boot(tab = 0): Page {
    const { scheduler, ledger } = this.config
    const config = this.config
    const generation = ++this.generation
    const storage = crashable(this.base, scheduler)
    const todos = createSyncedEntity<Todo>({
      name: 'todos',
      conflict: this.conflictStrategy(),
      ...(config.serverIds ? { serverIds: serverAssignedIds(), references: { parentId: 'todos' } } : {}),
    })
    const network = createManualNetworkStatus(this.online)
    const errors: unknown[] = []
    const page = { generation, tab, dead: false } as Page
    // The engine's clock: the scheduler's, moved on by what settles cost (config.settleCostMs).
    let settleCosts = 0
    const engineNow = () => scheduler.now() + settleCosts
    const rest = createRestAdapter({
      baseUrl: BASE_URL,
      now: scheduler.now,
      confirmByPull: config.confirmByPull === true,
      // The app's token provider (README's async token example): the token of whoever is signed in now,
      // or of the operation's own user when the engine says who that is.
      headers: async (operation) => {
        await Promise.resolve()
        const own = operation && 'userId' in operation ? (operation as { userId?: unknown }).userId : undefined
        const user = typeof own === 'string' || own === null ? own : this.user
        return { Authorization: `Bearer ${scopeOf(user)}` }
      },
      fetch: (input, init) => {
        // A dead page sends nothing more; what it sent before the crash is on the wire.
        if (page.dead) return Promise.reject(new TypeError('fetch failed: the page is gone'))
        return this.fetch(input, init)
      },
    })
    // Live pokes as an SSE adapter delivers them: for the user whose credentials opened the stream.
    const adapter: SyncAdapter = config.subscribe
      ? {
          ...rest,
          subscribe: (onChange, { signal }) => {
            if (!page.dead) this.subscriptions.push({ scope: scopeOf(this.user), onChange, signal })
          },
        }
      : rest
    const sync = createOfflineSync({
      entities: [todos],
      adapter,
      network,
      now: engineNow,
      timers: scheduler.timers,
      random: this.config.random,
      generateId: () => `${this.name}-g${generation}-op${++this.opCounter}`,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
      pullIntervalMs: 5_000,
      retry: { baseDelayMs: 100, maxDelayMs: 2_000 },
      circuitBreaker: { failureThreshold: 5, cooldownMs: 2_000 },
      // A fresh token is always at hand: the 401s injected are expired tokens, not a signed-out user.
      onAuthError: async () => {
        await Promise.resolve()
        this.tokenExpired = false
        return true
      },
      onError: (error) => errors.push(error),
      persist: createPersistence({ storage, throttleMs: THROTTLE_MS, tabs: this.config.tabs > 1, locks: this.config.locks, key: this.key }),
    })
    const opBySeq = (state: unknown, seq: number): Operation | undefined =>
      sync.selectors.selectOps(state).find((op) => op.seq === seq)
    // The harness's own eyes on the store: every edit and delete as the engine stamped it, and every
    // conflict settled in favour of the server's record.
    const observer: Middleware = (api) => (next) => (action) => {
      // `CHAOS_ACTIONS=1` with --trace: every action each tab's store sees (2: pull progress too), cut short.
      if (ACTIONS && this.config.trace && (ACTIONS === '2' || !/pullStarted|pulledPage/.test((action as UnknownAction).type))) {
        const { type, payload, meta } = action as UnknownAction & { payload?: unknown; meta?: unknown }
        this.config.trace(`${this.name}/tab${tab} ${type} ${JSON.stringify(payload)?.slice(0, 300)} ${JSON.stringify(meta)?.slice(0, 300)}`)
      }
      const a = action as UnknownAction & { meta?: { offline?: { userId: string | null; stamps?: Array<{ id: string; recordId: string; change: { kind: string; data: unknown } }> } } }
      const stamps = a.meta?.offline?.stamps
      // Another tab's change is that tab's to account for (its own observer saw it).
      if (stamps && !page.dead && !isRemoteAction(action)) {
        const made = scopeOf(a.meta!.offline!.userId)
        for (const stamp of stamps) {
          if (stamp.change.kind === 'delete') ledger.deleted(this.name, made, stamp.recordId)
          else ledger.edited(this.name, `${this.name}#${tab}`, made, stamp.recordId, stamp.change.data)
          ledger.opTouched(stamp.id, this.name)
        }
      }
      // A drop for the server's record is on purpose only when the conflict was with someone else's change.
      const dropped = (op: Operation | undefined, base: Record<string, unknown> | null, remote: Record<string, unknown> | null, why: string) => {
        if (!op) return
        if (config.backend.selfInflicted(scopeOf(op.userId), String(op.recordId), base, remote, this.name)) return
        ledger.supersede(op.data, why)
      }
      if (opsSettled.match(action)) {
        if (action.payload.verdict === 'pulled' && !isRemoteAction(action)) this.settledByPull += action.payload.results.length
        // A settle on a large store takes time: the drain measures it and holds the next answers.
        settleCosts += config.settleCostMs
        for (const result of action.payload.results) {
          if (result.type !== 'conflict' || result.resolution !== 'server-wins') continue
          dropped(opBySeq(api.getState(), result.seq), result.base, result.remote, `server-wins conflict on ${this.name}`)
        }
      }
      if (resolveConflict.match(action) && action.payload.resolved && action.payload.resolved.next === null) {
        // The person chose the server's record: the parked change is dropped on purpose.
        const conflict = api.getState() as RootState
        const parked = conflict.offline.conflicts.find((c) => c.id === action.payload.id)
        dropped(opBySeq(api.getState(), action.payload.resolved.seq), parked?.base ?? null, parked?.remote ?? null, `"use theirs" on ${this.name}`)
      }
      return next(action)
    }
    // Signed in from the start, as an app that knows its user when it loads: the restore reads that user's outbox.
    const preloadedState = { offline: { ...sync.reducer(undefined, { type: '@@chaos/init' }), userId: this.user } }
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

  private conflictStrategy(): ConflictStrategy<Todo> {
    const { strategy } = this.config
    if (strategy === 'last-write-wins') return lastWriteWins()
    if (strategy === 'merge') return mergeFields()
    return strategy
  }

  /** The tab's page dies: storage cut off at this instant, engine and persistence stopped, nothing flushed. */
  crash(tab = 0): Page {
    const page = this.pages[tab]!
    page.storage.crash()
    page.dead = true
    page.sync.stop()
    page.persistor.stop()
    return page
  }

  setOnline(online: boolean): void {
    this.online = online
    for (const page of this.pages) if (!page.dead) page.network.setOnline(online)
  }

  /** Tokens held by op records in storage, under every user's namespace. */
  async storedTokens(): Promise<Set<string>> {
    const tokens = new Set<string>()
    for (const key of await this.base.keys()) {
      if (!key.includes('/op/')) continue
      const raw = await this.base.getItem(key)
      if (typeof raw !== 'string') continue
      try {
        for (const token of tokensOf((JSON.parse(raw) as { data?: unknown }).data)) tokens.add(token)
      } catch {
        // Not ours to judge here: restore validates.
      }
    }
    return tokens
  }

  private opPrefix(): string {
    return `${this.user === null ? this.key : `${this.key}:user:${encodeURIComponent(this.user)}`}/op/`
  }

  /** Op ids stored under the signed-in user's namespace. */
  async storedOpIds(): Promise<string[]> {
    const prefix = this.opPrefix()
    return (await this.base.keys()).filter((key) => key.startsWith(prefix)).map((key) => key.slice(prefix.length))
  }

  /** A stored op record, in short, for reports. */
  async storedOp(id: string): Promise<string> {
    const raw = await this.base.getItem(`${this.opPrefix()}${id}`)
    if (typeof raw !== 'string') return 'none'
    try {
      const op = JSON.parse(raw) as Operation
      return `${op.kind} ${String(op.recordId)} seq ${op.seq} ${op.status} attempts ${op.attempts}`
    } catch {
      return raw.slice(0, 80)
    }
  }

  state(): RootState {
    return this.page.store.getState()
  }

  view(tab = 0): Todo[] {
    const page = this.pages[tab % this.tabs]!
    return page.todos.selectors.selectAll(page.store.getState() as unknown as Record<string, unknown>)
  }

  async dispose(): Promise<void> {
    for (const page of this.pages) if (!page.dead) this.crash(page.tab)
    await this.base.dropInstance().catch(() => {})
  }
}
