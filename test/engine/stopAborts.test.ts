import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPullScript } from '../support/pullScript'
import { createScriptedAdapter, ok } from '../support/scriptedAdapter'
import { createTestStore } from '../support/testStore'
import { advance } from '../support/driver'

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 })
})
afterEach(() => {
  vi.useRealTimers()
})

function setup() {
  const scripted = createScriptedAdapter()
  const pulls = createPullScript()
  const t = createTestStore({ ...scripted.adapter, pull: pulls.pull }, { now: () => Date.now(), pullIntervalMs: 0 })
  return { ...t, scripted, pulls }
}

describe('stop()', () => {
  it('aborts a push in flight (PushOptions.signal), and its late answer changes nothing', async () => {
    const { store, todos, sync, scripted, view } = setup()
    await advance()
    store.dispatch(todos.actions.added({ id: 'a', title: 'A', done: false }))
    await advance()
    expect(scripted.waitingCount()).toBe(1)
    const before = store.getState()
    sync.stop()
    expect(scripted.calls[0]!.signal.aborted).toBe(true)
    scripted.answer((op) => ok({ ...op.data, version: 1 }))
    await advance()
    expect(store.getState()).toBe(before)
    expect(view()).toEqual([{ id: 'a', title: 'A', done: false }])
  })

  it('aborts a pull in flight (PullRequest.signal), and its late page is not applied', async () => {
    const { store, sync, pulls, view } = setup()
    pulls.setIdle(false)
    await advance()
    expect(pulls.waitingCount()).toBe(1)
    const before = store.getState()
    sync.stop()
    expect(pulls.calls[0]!.signal.aborted).toBe(true)
    pulls.answer({ changes: [{ id: 'x', record: { id: 'x', title: 'X', done: false, version: 1 } }], cursor: 'c1', hasMore: false })
    await advance()
    expect(store.getState()).toBe(before)
    expect(view()).toEqual([])
  })
})
