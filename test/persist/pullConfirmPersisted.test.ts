import 'fake-indexeddb/auto'
import { configureStore } from '@reduxjs/toolkit'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createManualNetworkStatus, createOfflineSync, createSyncedEntity, type SyncAdapter } from '../../src'
import { createPersistence, type PersistOptions, type SyncStorage } from '../../src/persist'
import { createFakeLocks } from '../support/fakeLocks'
import { freshStorage } from '../support/persistedStore'
import { createPullScript } from '../support/pullScript'
import { createScriptedAdapter } from '../support/scriptedAdapter'

// Confirmation by pull and live pokes with persistence: after a crash mid-request, and with tabs.

const stops: Array<() => void> = []
afterEach(() => {
  for (const stop of stops.splice(0)) stop()
})

let page = 0
function loadPage(storage: SyncStorage, adapter: SyncAdapter, persist: PersistOptions = {}) {
  const todos = createSyncedEntity<{ id: string; title: string; version?: number }>({ name: 'todos' })
  const network = createManualNetworkStatus(true)
  const p = ++page
  let n = 0
  const sync = createOfflineSync({
    entities: [todos],
    adapter,
    network,
    pullIntervalMs: 0,
    generateId: () => `p${p}-op${++n}`,
    random: () => 0.5,
    persist: createPersistence({ storage, throttleMs: 10, tabs: false, ...persist }),
  })
  const store = configureStore({
    reducer: { todos: todos.reducer, [sync.reducerPath]: sync.reducer },
    middleware: (getDefault) => getDefault().concat(sync.middleware),
  })
  const persistor = sync.persist(store)
  stops.push(() => sync.stop())
  const ops = () => sync.selectors.selectOps(store.getState())
  return { store, todos, sync, persistor, ops, view: () => todos.selectors.selectAll(store.getState()) }
}

describe('confirmation by pull after a crash', () => {
  it('an operation on the wire when the page died is asked about by the first pull after the reload, and never sent again', async () => {
    const storage = freshStorage()
    const first = createScriptedAdapter()
    const a = loadPage(storage, { ...first.adapter, pull: createPullScript().pull })
    await a.persistor.ready
    a.store.dispatch(a.todos.actions.added({ id: 'x', title: 'x' }))
    // Its sent mark is stored before the request leaves; the page dies with the request on the wire.
    await vi.waitFor(() => expect(first.waitingCount()).toBe(1))
    a.sync.stop()
    a.persistor.stop()

    const second = createScriptedAdapter()
    const pulls = createPullScript()
    pulls.setIdle(false)
    const b = loadPage(storage, { ...second.adapter, pull: pulls.pull })
    await b.persistor.ready
    await vi.waitFor(() => expect(pulls.waitingCount()).toBe(1))
    expect(pulls.calls[0]!.unanswered).toEqual(['p1-op1'])
    const x1 = { id: 'x', title: 'x', version: 1 }
    pulls.answer({ changes: [{ id: 'x', record: x1 }], cursor: 'c1', hasMore: false, answered: [{ id: 'p1-op1', outcome: { type: 'ok', record: x1 } }] })
    await vi.waitFor(() => expect(b.ops()).toEqual([]))
    expect(b.view()).toEqual([x1])
    expect(second.calls).toEqual([])
  })
})

describe('with two tabs', () => {
  it('only the sending tab listens for pokes; when it closes, the tab that takes over does', async () => {
    const storage = freshStorage()
    const persist = { tabs: true, locks: createFakeLocks(), key: `pull-confirm-tabs-${++page}` }
    const subscribed: string[] = []
    const adapterOf = (tab: string): SyncAdapter => ({
      ...createScriptedAdapter().adapter,
      pull: createPullScript().pull,
      subscribe: (_onChange, { signal }) => {
        subscribed.push(tab)
        signal.addEventListener('abort', () => subscribed.push(`${tab} stopped`))
      },
    })
    const a = loadPage(storage, adapterOf('a'), persist)
    await a.persistor.ready
    const b = loadPage(storage, adapterOf('b'), persist)
    await b.persistor.ready
    await vi.waitFor(() => expect(subscribed).toEqual(['a']))
    b.store.dispatch(b.sync.actions.pullNow())
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(subscribed).toEqual(['a'])
    a.sync.stop()
    a.persistor.stop()
    await vi.waitFor(() => expect(subscribed).toEqual(['a', 'a stopped', 'b']))
  })
})
