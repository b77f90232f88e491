import { combineReducers, configureStore, type Middleware, type UnknownAction } from '@reduxjs/toolkit'
import localforage from 'localforage'
import {
  createManualNetworkStatus,
  createOfflineSync,
  createSyncedEntity,
  createSyncProtocolAdapter,
  lastWriteWins,
  mergeFields,
  serverAssignedIds,
  type ConflictStrategy,
  type Operation,
} from 'rtk-offline'
import { createPersistence, type SyncStorage } from 'rtk-offline/persist'
import {
  DEVICE_HEADER,
  REPORT_BINDING,
  STRATEGY_NAMES,
  tokenField,
  tokenOf,
  tokensOf,
  type EditResult,
  type HarnessApi,
  type Note,
  type PageReport,
  type StrategyName,
  type TabSnapshot,
} from '../harnessApi'

/*
 * The chaos suite's page: no UI, the library used as an app uses it. One synced entity (notes), the sync
 * protocol adapter on the reference server (at /api on this page's origin, through the fault layer),
 * persistence on IndexedDB through localforage (shared by the device's tabs, which elect one sender),
 * a network switch the driver flips, and the signed-in user remembered in localStorage as an app's
 * sign-in would be. The driver calls `window.harness` (harnessApi.ts).
 */

const query = new URLSearchParams(location.search)
const device = query.get('device') ?? 'd?'
const tab = Number(query.get('tab') ?? 0)
const strategyName = (STRATEGY_NAMES as readonly string[]).includes(query.get('strategy') ?? '') ? (query.get('strategy') as StrategyName) : 'server-wins'
const signedInKey = 'chaos/signed-in'
/** An app knows who is signed in when it loads: the last sign-in on this device, else the first user. */
let signedIn = localStorage.getItem(signedInKey) ?? query.get('user') ?? 'alice'
localStorage.setItem(signedInKey, signedIn)

const instance = localforage.createInstance({ name: 'chaos-notes' })
const storage: SyncStorage & { keys(): Promise<string[]> } = {
  getItem: (key) => instance.getItem<string>(key),
  setItem: (key, value) => instance.setItem(key, value),
  removeItem: (key) => instance.removeItem(key),
  keys: () => instance.keys(),
}
const persistKey = 'chaos'

/** The device's conflict strategy, drawn by the driver from the seed (the Node suite's names and factories). */
function conflictStrategy(name: StrategyName): ConflictStrategy<Note> {
  if (name === 'last-write-wins') return lastWriteWins()
  if (name === 'merge') return mergeFields()
  return name
}
/** Server-assigned ids (`?serverIds=1`, drawn by the driver): a note is created under a temporary id and moves to the server's. */
const serverIds = query.get('serverIds') === '1'
const notes = createSyncedEntity<Note>({ name: 'notes', conflict: conflictStrategy(strategyName), ...(serverIds ? { serverIds: serverAssignedIds() } : {}) })
const network = createManualNetworkStatus(true)
const errors: string[] = []
const conflictsMet: string[] = []

const sync = createOfflineSync({
  entities: [notes],
  adapter: createSyncProtocolAdapter({
    baseUrl: `${location.origin}/api`,
    // The operation's own user's credentials (durability invariant 4); pulls and the stream: whoever is signed in.
    headers: (operation) => ({ Authorization: `Bearer ${tokenOf(operation?.userId ?? signedIn)}`, [DEVICE_HEADER]: device }),
    batchSize: 20,
    live: true,
    reconnect: { baseDelayMs: 200, maxDelayMs: 2000 },
  }),
  network,
  // Op ids name their device (`d0-<uuid>`), as the Node suite's do, so its rules can tell whose write a key was.
  generateId: () => `${device}-${crypto.randomUUID()}`,
  batchSize: 20,
  requestTimeoutMs: 2500,
  retry: { baseDelayMs: 200, maxDelayMs: 2000 },
  circuitBreaker: { failureThreshold: 5, cooldownMs: 2000 },
  // Pulls come from the event stream's pokes; the periodic pull is the app's slow safety net, so a poke lost
  // or a stream that never comes back shows (as stale notes, conflicts, and the heal's live check).
  pullIntervalMs: 30_000,
  onAuthError: () => true,
  onError: (error, { raisedBy }) => {
    errors.push(`${raisedBy}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`)
    if (errors.length > 50) errors.shift()
  },
  persist: createPersistence({ storage, key: persistKey, throttleMs: 100 }),
})

/** The driver's binding (device.ts): a report reaches Node even if this tab dies right after. */
const report = (what: Omit<PageReport, 'device' | 'tab'>) => {
  const binding = (window as unknown as Record<string, unknown>)[REPORT_BINDING]
  if (typeof binding === 'function') void (binding as (report: PageReport) => Promise<void>)({ ...what, device, tab }).catch(() => {})
}

/** The operations each edit went into, read off the stamped action as the enqueue middleware let it through. */
let lastStamps: string[] = []

interface SettledResult {
  type: string
  seq: number
  opId: string
  recordId: unknown
  resolution?: string
  kind?: string
  base?: Record<string, unknown> | null
  remote?: Record<string, unknown> | null
}
interface Resolution {
  id: string
  resolved: null | { seq: number; next: unknown }
}

/**
 * The harness's own eyes on the store, as the Node suite's observer: the ops each edit went into, every
 * conflict the engine settled, and every parked change a person dropped for the server's record. The
 * driver decides with the Node suite's rules (a drop for another device's write is on purpose; a
 * conflict with only this device's own writes is the engine fighting itself).
 */
const observer: Middleware = (api) => (next) => (action) => {
  const a = action as UnknownAction & { meta?: { offline?: { stamps?: Array<{ id: string }> } }; payload?: { results?: SettledResult[] } & Partial<Resolution> }
  const stamps = a.meta?.offline?.stamps
  if (stamps) lastStamps = stamps.map((stamp) => stamp.id)
  const opBySeq = (seq: number): Operation | undefined => sync.selectors.selectOps(api.getState()).find((op) => op.seq === seq)
  if (a.type === 'offline/opsSettled')
    for (const result of a.payload?.results ?? []) {
      if (result.type !== 'conflict') continue
      conflictsMet.push(`${result.kind ?? '?'} ${String(result.recordId)} (op ${result.opId}, ${result.resolution ?? '?'})`)
      const op = opBySeq(result.seq)
      report({
        type: 'conflict',
        user: op?.userId ?? store.getState().offline.userId,
        opId: result.opId,
        recordId: String(result.recordId),
        kind: result.kind ?? '?',
        resolution: result.resolution ?? '?',
        data: (op?.data as Record<string, unknown> | null | undefined) ?? null,
        base: result.base ?? null,
        remote: result.remote ?? null,
      })
    }
  if (a.type === sync.actions.resolveConflict.type && a.payload?.resolved && a.payload.resolved.next === null) {
    const parked = store.getState().offline.conflicts.find((conflict) => conflict.id === a.payload!.id)
    const op = opBySeq(a.payload.resolved.seq)
    if (op)
      report({
        type: 'theirs',
        user: op.userId ?? null,
        opId: op.id,
        recordId: String(op.recordId),
        kind: op.kind,
        resolution: 'use theirs',
        data: (op.data as Record<string, unknown> | null) ?? null,
        base: (parked?.base as Record<string, unknown> | null | undefined) ?? null,
        remote: (parked?.remote as Record<string, unknown> | null | undefined) ?? null,
      })
  }
  return next(action)
}

// Signed in from the start, as an app that knows its user when it loads: the restore reads that user's outbox.
const reducer = combineReducers({ notes: notes.reducer, offline: sync.reducer })
const preloadedState: Partial<ReturnType<typeof reducer>> = { offline: { ...sync.reducer(undefined, { type: '@@chaos/init' }), userId: signedIn } }
const store = configureStore({
  reducer,
  preloadedState,
  middleware: (getDefault) => getDefault({ serializableCheck: false, immutableCheck: false }).concat(sync.middleware, observer),
})
const persistor = sync.persist(store)

function attempt(action: () => void): EditResult {
  lastStamps = []
  try {
    action()
    return { refused: null, opIds: lastStamps }
  } catch (error) {
    return { refused: error instanceof Error ? `${error.name}: ${error.message}` : String(error), opIds: [] }
  }
}

const opPrefix = () => `${persistKey}${store.getState().offline.userId === null ? '' : `:user:${encodeURIComponent(store.getState().offline.userId!)}`}/op/`

const harness: HarnessApi = {
  ready: () => persistor.ready,
  create: (id, token) =>
    attempt(() => store.dispatch(notes.actions.added({ id, owner: device, title: token, [tokenField(token)]: 1 }))),
  update: (id, token) => attempt(() => store.dispatch(notes.actions.updated({ id, changes: { title: token, [tokenField(token)]: 1 } }))),
  remove: (id) => attempt(() => store.dispatch(notes.actions.removed(id))),
  resolveConflicts(keepMine) {
    const open = sync.selectors.selectOpenConflicts(store.getState())
    open.forEach((conflict, index) => {
      const choose = keepMine.length === 0 || keepMine[index % keepMine.length] ? 'local' : 'remote'
      store.dispatch(sync.actions.resolveConflict({ id: conflict.id, choose }))
    })
    return open.length
  },
  setOnline: (online) => network.setOnline(online),
  async switchUser(user) {
    // As an app's sign-in: the new user is remembered (and its token handed out) before the outbox switches.
    signedIn = user
    localStorage.setItem(signedInKey, user)
    await persistor.switchUser(user)
  },
  flush: () => persistor.flush(),
  pullNow: () => void store.dispatch(sync.actions.pullNow()),
  syncNow: () => void store.dispatch(sync.actions.syncNow()),
  retryFailed: () => void store.dispatch(sync.actions.retryFailed()),
  snapshot(): TabSnapshot {
    const state = store.getState()
    const status = sync.selectors.selectStatus(state)
    const outbox = sync.selectors.selectSyncState(state) as unknown as { userId: string | null; hydrated?: boolean; sender?: unknown }
    return {
      outboxUser: outbox.userId,
      signedIn,
      hydrated: outbox.hydrated !== false,
      records: notes.selectors.selectAll(state),
      ops: sync.selectors.selectOps(state).map((op) => ({
        id: op.id,
        kind: op.kind,
        recordId: String(op.recordId),
        status: op.status,
        attempts: op.attempts,
        userId: op.userId ?? null,
        lastError: op.lastError ? `${op.lastError.code}: ${op.lastError.message}` : null,
      })),
      phase: status.phase,
      pending: status.pending,
      inflight: status.inflight,
      failed: status.failed,
      openConflicts: sync.selectors.selectOpenConflicts(state).length,
      conflictsMet: [...conflictsMet],
      errors: [...errors],
      isSender: null,
    }
  },
  async storedOpIds() {
    const prefix = opPrefix()
    return (await storage.keys()).filter((key) => key.startsWith(prefix)).map((key) => key.slice(prefix.length))
  },
  async storedTokens() {
    const tokens: string[] = []
    for (const key of await storage.keys()) {
      if (!key.includes('/op/')) continue
      const raw = await storage.getItem(key)
      try {
        if (typeof raw === 'string') tokens.push(...tokensOf((JSON.parse(raw) as { data?: unknown }).data))
      } catch {
        // Not ours to judge: the restore validates stored values.
      }
    }
    return tokens
  },
}

// Another tab signed someone else in: this tab follows, as an app's tabs do (the storage event).
window.addEventListener('storage', (event) => {
  if (event.key !== signedInKey || event.newValue === null || event.newValue === signedIn) return
  signedIn = event.newValue
  void persistor.switchUser(event.newValue).catch((error: unknown) => errors.push(`switchUser (storage event): ${String(error)}`))
})

declare global {
  interface Window {
    harness: HarnessApi
  }
}
window.harness = harness
