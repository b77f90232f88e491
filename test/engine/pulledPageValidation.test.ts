import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { PullPage } from '../../src'
import { createPullScript } from '../support/pullScript'
import { createScriptedAdapter } from '../support/scriptedAdapter'
import { createTestStore } from '../support/testStore'
import { advance } from '../support/driver'

// Durability invariant 5 (nothing trusted): a pulled page is checked before anything of it is applied.

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 })
})
afterEach(() => {
  vi.useRealTimers()
})

describe('a malformed pulled page', () => {
  it.each<[string, unknown]>([
    ['a record under another id', { changes: [{ id: 'a', record: { id: 'b', title: 'B', done: false } }], cursor: 'c1', hasMore: false }],
    ['a record without its id', { changes: [{ id: 'a', record: { message: 'not found' } }], cursor: 'c1', hasMore: false }],
    ['a change without an id', { changes: [{ record: { id: 'a', title: 'A', done: false } }], cursor: 'c1', hasMore: false }],
    ['a cursor that is not a string', { changes: [], cursor: 7, hasMore: false }],
  ])('with %s applies nothing, keeps the cursor, reports it and asks again later', async (_, page) => {
    const pulls = createPullScript()
    pulls.setIdle(false)
    const t = createTestStore({ ...createScriptedAdapter().adapter, pull: pulls.pull }, { now: () => Date.now(), pullIntervalMs: 0 })
    await advance()
    pulls.answer(page as PullPage)
    await advance()
    expect(t.view()).toEqual([])
    expect(t.sync.selectors.selectPullProgress(t.store.getState()).entities.todos).toMatchObject({
      cursor: null,
      status: 'error',
      error: { code: 'adapter-failed' },
    })
    expect(t.errors).toEqual([{ error: expect.objectContaining({ code: 'adapter-failed' }), raisedBy: 'adapter' }])
    await vi.advanceTimersByTimeAsync(1000)
    expect(pulls.waitingCount()).toBe(1)
    pulls.answer({ changes: [{ id: 'a', record: { id: 'a', title: 'A', done: false, version: 1 } }], cursor: 'c1', hasMore: false })
    await advance()
    expect(t.view()).toEqual([{ id: 'a', title: 'A', done: false, version: 1 }])
    t.sync.stop()
  })
})
