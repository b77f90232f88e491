import { configureStore, type EntityId } from '@reduxjs/toolkit'
import {
  createManualNetworkStatus,
  createOfflineSync,
  createRestAdapter,
  createSyncProtocolAdapter,
  createSyncedEntity,
  mergeFields,
  sumCounters,
  type SyncAdapter,
} from '../../src'
import { createPrng } from '../chaos/prng'
import { createFaultyFetch, type FaultRates, type FaultyFetch } from './faultyFetch'

/** A client's own record: only its client writes it, so its final content is known exactly. */
export interface Item {
  id: string
  owner: string
  /** How many updates the client made to it (each update sets the next value). */
  n: number
  note: string
  version?: number
}

/** A record every client updates: `count` is incremented by all, `by_<client>` counts one client's increments. */
export interface Shared {
  id: string
  count: number
  version?: number
  [byClient: `by_${string}`]: number
}

export const SHARED_IDS = ['shared-0', 'shared-1', 'shared-2', 'shared-3'] as const

export interface ScaleClientOptions {
  name: string
  /** Which adapter: the batch protocol (with the live stream) or REST. */
  kind: 'protocol' | 'rest'
  baseUrl: string
  /** The scope all clients share, so they write the same records and hear each other's pokes. */
  scope: string
  seed: number
  faults: FaultRates
}

/** What the client meant to write, to compare with what the server holds. */
export interface ClientIntent {
  /** Own records as they should end: the record's fields (without version/updatedAt), or null when deleted. */
  items: Map<string, { n: number; note: string } | null>
  /** Increments of each shared record this client made. */
  increments: Map<string, number>
  /** Changes dispatched. */
  changes: number
}

export type ScaleClient = ReturnType<typeof createScaleClient>

/**
 * One app instance: a store with two synced entities (`items`, `shared`) on createOfflineSync, talking
 * to one server instance through a seeded faulty fetch. Records every operation id it hands to the
 * adapter (`sent`) and every live poke it hears (`pokes`).
 */
export function createScaleClient(options: ScaleClientOptions) {
  const { name, kind, baseUrl, scope, seed } = options
  const faulty: FaultyFetch = createFaultyFetch(createPrng(seed * 7919 + 1), options.faults)
  const random = createPrng(seed * 104_729 + 2)
  const script = createPrng(seed * 1_299_709 + 3)
  const headers = { Authorization: `Bearer ${name}@${scope}` }
  const base: SyncAdapter =
    kind === 'protocol'
      ? createSyncProtocolAdapter({
          baseUrl,
          headers,
          fetch: faulty.fetch,
          batchSize: 50,
          clientId: name,
          live: true,
          reconnect: { baseDelayMs: 20, maxDelayMs: 200 },
          random,
        })
      : createRestAdapter({ baseUrl, headers, fetch: faulty.fetch })
  const sent = new Set<string>()
  /** What was sent for each operation on a shared record, to explain a wrong count. */
  const sharedOps = new Map<string, { data: unknown; baseVersion: unknown; attempts: number }>()
  const pushes: Array<{ at: number; ms: number; ops: number; outcomes: string }> = []
  const pulls: Array<{ entity: string; since: string | null; cursor: string | null; hasMore: boolean; changes: string[] }> = []
  const live = { subscribed: false, pokes: 0, controller: new AbortController() }

  const subscribe = (onChange: (entity?: string) => void, { signal }: { signal: AbortSignal }) => {
    live.subscribed = true
    base.subscribe!(
      (entity) => {
        live.pokes++
        onChange(entity)
      },
      { signal },
    )
  }
  const adapter: SyncAdapter = {
    async push(operations, pushOptions) {
      for (const operation of operations) {
        sent.add(operation.id)
        if (operation.entity === 'shared') sharedOps.set(operation.id, { data: operation.data, baseVersion: operation.baseVersion, attempts: operation.attempts })
      }
      const began = performance.now()
      const outcomes = await base.push(operations, pushOptions)
      pushes.push({ at: began, ms: performance.now() - began, ops: operations.length, outcomes: outcomes.map((outcome) => outcome.type).join(',') })
      return outcomes
    },
    async pull(request) {
      const page = await base.pull!(request)
      pulls.push({ entity: request.entity, since: request.cursor, cursor: page.cursor, hasMore: page.hasMore, changes: page.changes.map((change) => `${change.id}@${String(change.record?.version ?? 'x')}`) })
      return page
    },
    ...(base.subscribe ? { subscribe } : {}),
  }

  const items = createSyncedEntity<Item>({ name: 'items' })
  const shared = createSyncedEntity<Shared>({
    name: 'shared',
    // Every increment counts once however many clients raced: sumCounters adds each side's delta; the
    // by_<client> fields change on one side only (a record deleted would park: shared records never are).
    conflict: mergeFields({ fields: { count: sumCounters() } }),
  })
  let opNumber = 0
  const errors: unknown[] = []
  const sync = createOfflineSync({
    entities: [items, shared],
    adapter,
    network: createManualNetworkStatus(true),
    coalesce: false,
    batchSize: kind === 'rest' ? 20 : 50,
    retry: { baseDelayMs: 10, maxDelayMs: 250 },
    circuitBreaker: { failureThreshold: 5, cooldownMs: 150 },
    requestTimeoutMs: 10_000,
    // No periodic pull: a client learns of other clients' changes from live pokes (or the final pullNow).
    pullIntervalMs: 0,
    random,
    generateId: () => `${name}-op-${++opNumber}`,
    onError: (error) => errors.push(error),
  })
  const makeStore = () =>
    configureStore({
      reducer: { items: items.reducer, shared: shared.reducer, offline: sync.reducer },
      middleware: (getDefault) => getDefault({ serializableCheck: false, immutableCheck: false }).concat(sync.middleware),
    })
  const store = makeStore()
  // This snapshot of the engine may not call `subscribe` itself yet: then listen here, as the engine would.
  queueMicrotask(() => {
    if (base.subscribe && !live.subscribed)
      subscribe((entity) => store.dispatch(sync.actions.pullNow(entity)), { signal: live.controller.signal })
  })

  const intent: ClientIntent = { items: new Map(), increments: new Map(), changes: 0 }
  let created = 0

  const status = () => sync.selectors.selectStatus(store.getState())
  const itemView = () => items.selectors.selectAll(store.getState())
  const sharedView = () => shared.selectors.selectAll(store.getState())
  const isPending = (entity: string, id: EntityId) => sync.selectors.selectIsPending(store.getState(), entity, id)

  function createItem(): string {
    const id = `${name}-i${created++}`
    intent.items.set(id, { n: 0, note: 'new' })
    store.dispatch(items.actions.added({ id, owner: name, n: 0, note: 'new' }))
    return id
  }

  function updateItem(id: string): void {
    const next = { n: intent.items.get(id)!.n + 1, note: `u${Math.floor(script() * 1000)}` }
    intent.items.set(id, next)
    store.dispatch(items.actions.updated({ id, changes: next }))
  }

  function deleteItem(id: string): void {
    intent.items.set(id, null)
    store.dispatch(items.actions.removed(id))
  }

  /** Increments a shared record, on the state the view shows; only when it has no change of ours in flight. */
  function incrementShared(id: string): boolean {
    const record = shared.selectors.selectById(store.getState(), id)
    if (!record || isPending('shared', id)) return false
    const mine = (intent.increments.get(id) ?? 0) + 1
    intent.increments.set(id, mine)
    store.dispatch(shared.actions.updated({ id, changes: { count: record.count + 1, [`by_${name}`]: mine } }))
    return true
  }

  /**
   * Makes `changes` changes drawn from the client's seed: creates, updates and deletes of its own
   * records and increments of the shared ones, in bursts with short pauses so drains, pulls and
   * faults interleave with new changes.
   */
  async function run(changes: number): Promise<void> {
    for (let i = 0; i < changes; i++) {
      const live = [...intent.items].filter(([, value]) => value !== null).map(([id]) => id)
      const roll = script()
      const pick = () => live[Math.floor(script() * live.length)]!
      if (live.length < 3 || roll < 0.3) createItem()
      else if (roll < 0.6) updateItem(pick())
      else if (roll < 0.9) {
        if (!incrementShared(SHARED_IDS[Math.floor(script() * SHARED_IDS.length)]!)) updateItem(pick())
      } else deleteItem(pick())
      intent.changes++
      if (i % 10 === 9) await new Promise((resolve) => setTimeout(resolve, script() * 15))
    }
  }

  /** Whether nothing is waiting, in flight, failed, parked or being pulled. */
  function isQuiet(): boolean {
    const now = status()
    return (
      now.pending === 0 &&
      now.inflight === 0 &&
      now.failed === 0 &&
      now.conflicts === 0 &&
      !sync.selectors.selectPullProgress(store.getState()).active
    )
  }

  function stop(): void {
    live.controller.abort()
    sync.stop()
  }

  return {
    name,
    kind,
    store,
    sync,
    faulty,
    sent,
    sharedOps,
    pushes,
    pulls,
    live,
    errors,
    intent,
    status,
    itemView,
    sharedView,
    isQuiet,
    run,
    createItem,
    stop,
    /** Asks for a drain and a pull of everything now. */
    kick() {
      store.dispatch(sync.actions.syncNow())
      store.dispatch(sync.actions.pullNow())
    },
  }
}
