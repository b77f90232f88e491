import { describe, expect, it, vi } from 'vitest'
import { pulledPage } from '../../src/slices/actions'
import { freshStorage, loadPage } from '../support/persistedStore'
import { createScriptedAdapter, ok } from '../support/scriptedAdapter'

const milk = { id: 'a', title: 'Milk', done: false, version: 1 }
const eggs = { id: 'b', title: 'Eggs', done: false, version: 1 }

/**
 * Found by the chaos suite (`npm run chaos -- --seed 1 --no-tabs --no-crashes --no-switches --faults=none`):
 * a record deleted and confirmed within one write window came back after a reload, its bucket still
 * holding the confirmed state written when the delete was made, while the stored cursor was already
 * past the tombstone, so no pull ever removed it again.
 */
describe('a record that leaves the view and the pending changes within one write window', () => {
  async function pullDeleteConfirmReload(options: { flushFirst: boolean }) {
    const storage = freshStorage()
    const scripted = createScriptedAdapter()
    scripted.autoRespond(() => ok())
    // A write window that never ends on its own: only flush() writes the slices.
    const first = loadPage(storage, scripted.adapter, { online: true, persist: { throttleMs: 60_000 } })
    await first.persistor.ready
    if (options.flushFirst) {
      first.store.dispatch(pulledPage({ entity: 'todos', changes: [{ id: 'b', record: eggs }], cursor: 'c0', hasMore: false, at: 1 }))
      await first.persistor.flush()
    }
    first.store.dispatch(pulledPage({ entity: 'todos', changes: [{ id: 'a', record: milk }], cursor: 'c1', hasMore: false, at: 2 }))
    // The first pending change of a record stores its confirmed state at once, ahead of the operation.
    first.store.dispatch(first.todos.actions.removed('a'))
    await vi.waitFor(() => expect(first.status().pending).toBe(0))
    first.store.dispatch(pulledPage({ entity: 'todos', changes: [{ id: 'a', record: null }], cursor: 'c2', hasMore: false, at: 3 }))
    await first.persistor.flush()
    first.sync.stop()
    first.persistor.stop()
    const second = loadPage(storage, scripted.adapter)
    await second.persistor.ready
    const view = second.view()
    second.sync.stop()
    return view
  }

  it('stays deleted after a reload when it all happened before the first write after the restore', async () => {
    expect(await pullDeleteConfirmReload({ flushFirst: false })).toEqual([])
  })

  it('stays deleted after a reload when it all happened between two later writes', async () => {
    expect(await pullDeleteConfirmReload({ flushFirst: true })).toEqual([eggs])
  })

  // Found by chaos seed 432 (--no-tabs): the slice writer's last compare was not forgotten when another
  // user's outbox was restored, so the first write after switching back compared with the other user's
  // slice, and the record deleted meanwhile stayed in its bucket.
  it('stays deleted after a reload when it was deleted after switching to another user and back', async () => {
    const storage = freshStorage()
    const scripted = createScriptedAdapter()
    const first = loadPage(storage, scripted.adapter, { persist: { throttleMs: 60_000 } })
    await first.persistor.ready
    first.store.dispatch(pulledPage({ entity: 'todos', changes: [{ id: 'a', record: milk }], cursor: 'c1', hasMore: false, at: 1 }))
    await first.persistor.flush()
    await first.persistor.switchUser('u2')
    await first.persistor.flush()
    await first.persistor.switchUser(null)
    expect(first.view()).toEqual([milk])
    first.store.dispatch(pulledPage({ entity: 'todos', changes: [{ id: 'a', record: null }], cursor: 'c2', hasMore: false, at: 2 }))
    await first.persistor.flush()
    first.sync.stop()
    first.persistor.stop()
    const second = loadPage(storage, scripted.adapter)
    await second.persistor.ready
    expect(second.view()).toEqual([])
    second.sync.stop()
  })
})
