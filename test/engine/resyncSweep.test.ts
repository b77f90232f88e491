import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { SyncHttpError } from '../../src'
import { advance } from '../support/driver'
import { createPullScript } from '../support/pullScript'
import { createScriptedAdapter, ok } from '../support/scriptedAdapter'
import { createTestStore } from '../support/testStore'

// After a 410 the pull starts over from no cursor; once it has read the whole feed, the records it never
// brought are removed (src/middleware/shared/resyncSweep.ts). These cases pin what is not removed.

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

const gone = () => new SyncHttpError(410, 'cursor unknown')
const ids = (t: ReturnType<typeof setup>) => t.todos.selectors.selectIds(t.store.getState())

describe('starting the pull over after a 410', () => {
  it('keeps a record our own push confirmed while the restarted pull ran, though no page brought it', async () => {
    const t = setup()
    t.pulls.setIdle(false)
    t.store.dispatch(t.sync.actions.pullNow())
    await advance()
    t.pulls.answer({ changes: [{ id: 'x', record: { id: 'x', title: 'X', done: false, version: 1 } }, { id: 'y', record: { id: 'y', title: 'Y', done: false, version: 1 } }], cursor: 'c2', hasMore: false })
    await advance()
    expect(ids(t)).toEqual(['x', 'y'])

    // An update of x goes out and waits for its answer; meanwhile the pull meets a 410 and starts over.
    t.store.dispatch(t.todos.actions.updated({ id: 'x', changes: { title: 'mine' } }))
    await advance()
    expect(t.scripted.waitingCount()).toBe(1)
    t.store.dispatch(t.sync.actions.pullNow())
    await advance()
    t.pulls.fail(gone())
    await advance()
    expect(t.pulls.calls.at(-1)?.cursor).toBeNull()
    t.pulls.answer({ changes: [], cursor: 'r1', hasMore: true })
    await advance()
    // The server confirms x's update (so it has x) while the restarted pull is between pages.
    t.scripted.answer(() => ok({ id: 'x', title: 'mine', done: false, version: 2 }))
    await advance()
    t.pulls.answer({ changes: [], cursor: 'r2', hasMore: false })
    await advance()

    // y, which the server no longer has, is gone; x, confirmed meanwhile, stays.
    expect(ids(t)).toEqual(['x'])
    expect(t.todos.selectors.selectById(t.store.getState(), 'x')).toMatchObject({ title: 'mine', version: 2 })
  })

  it('takes the record the whole read brings though its version is lower than the one held: deleted and created again, its tombstone gone with the history (chaos seed 20536)', async () => {
    const t = setup()
    t.pulls.setIdle(false)
    t.store.dispatch(t.sync.actions.pullNow())
    await advance()
    t.pulls.answer({ changes: [{ id: 'x', record: { id: 'x', title: 'old', done: false, version: 2 } }], cursor: 'c1', hasMore: false })
    await advance()
    // Meanwhile x is deleted and created again on the server (versions start over), and the server prunes
    // the history: the tombstone is gone, and the cursor with it.
    t.store.dispatch(t.sync.actions.pullNow())
    await advance()
    t.pulls.fail(gone())
    await advance()
    t.pulls.answer({ changes: [{ id: 'x', record: { id: 'x', title: 'new', done: false, version: 1 } }], cursor: 'r1', hasMore: false })
    await advance()
    expect(t.todos.selectors.selectById(t.store.getState(), 'x')).toEqual({ id: 'x', title: 'new', done: false, version: 1 })
  })

  it('keeps a newer version our own push confirmed while the restarted pull ran over an older page of the record', async () => {
    const t = setup()
    t.pulls.setIdle(false)
    t.store.dispatch(t.sync.actions.pullNow())
    await advance()
    t.pulls.answer({ changes: [{ id: 'x', record: { id: 'x', title: 'X', done: false, version: 1 } }], cursor: 'c1', hasMore: false })
    await advance()
    t.store.dispatch(t.todos.actions.updated({ id: 'x', changes: { title: 'mine' } }))
    await advance()
    t.store.dispatch(t.sync.actions.pullNow())
    await advance()
    t.pulls.fail(gone())
    await advance()
    t.scripted.answer(() => ok({ id: 'x', title: 'mine', done: false, version: 2 }))
    await advance()
    // A page read before the update was applied.
    t.pulls.answer({ changes: [{ id: 'x', record: { id: 'x', title: 'X', done: false, version: 1 } }], cursor: 'r1', hasMore: false })
    await advance()
    expect(t.todos.selectors.selectById(t.store.getState(), 'x')).toMatchObject({ title: 'mine', version: 2 })
  })

  it('starts over again when the start-over is cut short, and removes only at the end of a whole read of the feed', async () => {
    const t = setup()
    t.pulls.setIdle(false)
    t.store.dispatch(t.sync.actions.pullNow())
    await advance()
    t.pulls.answer({ changes: [{ id: 'y', record: { id: 'y', title: 'Y', done: false, version: 1 } }], cursor: 'c1', hasMore: false })
    await advance()
    t.store.dispatch(t.sync.actions.pullNow())
    await advance()
    t.pulls.fail(gone())
    await advance()
    t.pulls.answer({ changes: [], cursor: 'r1', hasMore: true })
    await advance()
    expect(t.sync.selectors.selectPullProgress(t.store.getState()).entities.todos).toMatchObject({ cursor: 'r1', resyncing: true })
    // Cut short: nothing is removed, and the pull still says it is starting over.
    t.pulls.fail(new SyncHttpError(503, 'busy'))
    await advance()
    expect(ids(t)).toEqual(['y'])
    expect(t.sync.selectors.selectPullProgress(t.store.getState()).entities.todos?.resyncing).toBe(true)

    // The next attempt reads the feed from its start again (not from r1), and its end removes y.
    await advance(10_000) // the retry's backoff, short of the request timeout
    expect(t.pulls.waitingCount()).toBe(1)
    expect(t.pulls.calls.at(-1)?.cursor).toBeNull()
    t.pulls.answer({ changes: [], cursor: 'r2', hasMore: false })
    await advance()
    expect(ids(t)).toEqual([])
    expect(t.sync.selectors.selectPullProgress(t.store.getState()).entities.todos).toMatchObject({ cursor: 'r2', resyncing: false })
  })
})
