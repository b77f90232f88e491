import { configureStore } from '@reduxjs/toolkit'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createManualNetworkStatus, createOfflineSync, createSyncedEntity, type SyncAdapter } from '../../src'
import { userSwitched } from '../../src/slices/actions'
import { advance } from '../support/driver'
import { createPullScript } from '../support/pullScript'
import { createScriptedAdapter } from '../support/scriptedAdapter'

// Live pokes (issue 11): an adapter with `subscribe` tells the engine when something changed; the engine
// pulls at once, one pull for a burst of pokes, and listens only while it may pull, for the signed-in user.

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 })
})
afterEach(() => {
  vi.useRealTimers()
})

function setup(options: { online?: boolean; throws?: boolean } = {}) {
  const scripted = createScriptedAdapter()
  const pulls = createPullScript()
  const subscriptions: Array<{ onChange: (entity?: string) => void; signal: AbortSignal }> = []
  const adapter: SyncAdapter = {
    ...scripted.adapter,
    pull: pulls.pull,
    subscribe(onChange, { signal }) {
      subscriptions.push({ onChange, signal })
      if (options.throws) throw new Error('subscribe broke')
    },
  }
  const todos = createSyncedEntity<{ id: string; title: string }>({ name: 'todos' })
  const lists = createSyncedEntity<{ id: string; name: string }>({ name: 'lists' })
  const local = createSyncedEntity<{ id: string }>({ name: 'local', pull: false })
  const network = createManualNetworkStatus(options.online ?? true)
  const errors: Array<{ error: unknown; raisedBy: string }> = []
  const sync = createOfflineSync({
    entities: [todos, lists, local],
    adapter,
    network,
    pullIntervalMs: 0,
    now: () => Date.now(),
    random: () => 0.5,
    onError: (error, { raisedBy }) => errors.push({ error, raisedBy }),
  })
  const store = configureStore({
    reducer: { todos: todos.reducer, lists: lists.reducer, local: local.reducer, [sync.reducerPath]: sync.reducer },
    middleware: (getDefault) => getDefault().concat(sync.middleware),
  })
  /** Entities pulled, in order, since the last call. */
  let seen = 0
  const pulled = () => {
    const names = pulls.calls.slice(seen).map((call) => call.entity)
    seen = pulls.calls.length
    return names
  }
  return { store, sync, network, pulls, subscriptions, errors, pulled }
}

describe('live pokes', () => {
  it('subscribes once when the engine starts pulling, and a poke pulls the entity it names, once', async () => {
    const t = setup()
    await advance()
    expect(t.subscriptions).toHaveLength(1)
    expect(t.pulled()).toEqual(['todos', 'lists'])
    t.subscriptions[0]!.onChange('lists')
    await advance()
    expect(t.pulled()).toEqual(['lists'])
    // Later pulls reuse the same subscription.
    t.store.dispatch(t.sync.actions.pullNow())
    await advance()
    expect(t.subscriptions).toHaveLength(1)
  })

  it('a poke for no entity or one the engine does not know pulls all; one for an entity never pulled pulls nothing', async () => {
    const t = setup()
    await advance()
    t.pulled()
    t.subscriptions[0]!.onChange()
    await advance()
    expect(t.pulled()).toEqual(['todos', 'lists'])
    t.subscriptions[0]!.onChange('projects')
    await advance()
    expect(t.pulled()).toEqual(['todos', 'lists'])
    t.subscriptions[0]!.onChange('local')
    await advance()
    expect(t.pulled()).toEqual([])
  })

  it('pokes while a pull runs merge into one more pull, not one per poke', async () => {
    const t = setup()
    await advance()
    t.pulled()
    t.pulls.setIdle(false)
    const { onChange } = t.subscriptions[0]!
    onChange('todos')
    await advance()
    expect(t.pulled()).toEqual(['todos'])
    for (let i = 0; i < 5; i++) onChange('todos')
    onChange('lists')
    await advance()
    expect(t.pulled()).toEqual([])
    t.pulls.answer({ changes: [], cursor: 'c1', hasMore: false })
    await advance()
    // One more run, for both entities poked meanwhile, one entity after the other.
    expect(t.pulled()).toEqual(['todos'])
    t.pulls.answer({ changes: [], cursor: 'c2', hasMore: false })
    await advance()
    expect(t.pulled()).toEqual(['lists'])
    t.pulls.answer({ changes: [], cursor: 'c3', hasMore: false })
    await advance()
    expect(t.pulled()).toEqual([])
    expect(t.pulls.waitingCount()).toBe(0)
  })

  it('stops listening when the engine stops, and pokes after that pull nothing', async () => {
    const t = setup()
    await advance()
    t.pulled()
    const { onChange, signal } = t.subscriptions[0]!
    t.sync.stop()
    expect(signal.aborted).toBe(true)
    onChange('todos')
    await advance()
    expect(t.pulled()).toEqual([])
  })

  it("stops the old user's stream when another user signs in, and listens again for the new user at the next pull", async () => {
    const t = setup()
    await advance()
    t.pulled()
    const first = t.subscriptions[0]!
    t.store.dispatch(userSwitched({ userId: 'bob', hydrated: true }))
    expect(first.signal.aborted).toBe(true)
    first.onChange('todos')
    await advance()
    expect(t.pulled()).toEqual([])
    t.store.dispatch(t.sync.actions.pullNow())
    await advance()
    expect(t.subscriptions).toHaveLength(2)
    expect(t.subscriptions[1]!.signal.aborted).toBe(false)
    t.subscriptions[1]!.onChange('todos')
    await advance()
    expect(t.pulled()).toEqual(['todos', 'lists', 'todos'])
  })

  it('does not subscribe while a pull cannot run (offline), and does once it can', async () => {
    const t = setup({ online: false })
    await advance()
    expect(t.subscriptions).toHaveLength(0)
    t.network.setOnline(true)
    await advance()
    expect(t.subscriptions).toHaveLength(1)
  })

  it('reports a subscribe that throws and pulls on the other triggers all the same', async () => {
    const t = setup({ throws: true })
    await advance()
    expect(t.errors.map((e) => e.raisedBy)).toEqual(['adapter'])
    expect(t.pulled()).toEqual(['todos', 'lists'])
  })
})
