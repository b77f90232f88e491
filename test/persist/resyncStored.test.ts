import { describe, expect, it } from 'vitest'
import { pulledPage } from '../../src/slices/actions'
import { freshStorage, pageOpener } from '../support/persistedStore'
import { createScriptedAdapter } from '../support/scriptedAdapter'

const open = pageOpener()

/** A page that stores what a pull applied, then a reload on the same storage: the pull progress it restores. */
async function restoredAfter(page: Parameters<typeof pulledPage>[0]) {
  const storage = freshStorage()
  const first = open(storage, createScriptedAdapter().adapter)
  await first.persistor.ready
  first.store.dispatch(pulledPage(page))
  await first.sync.flush()
  first.sync.stop()
  const second = open(storage, createScriptedAdapter().adapter)
  await second.persistor.ready
  return second.sync.selectors.selectPullProgress(second.store.getState()).entities.todos
}

describe('a pull starting over after a 410, across a reload', () => {
  it('is stored as such: a reload in the middle of one starts the whole feed over again', async () => {
    const restored = await restoredAfter({ entity: 'todos', changes: [], cursor: 'r1', hasMore: true, at: 1, resyncing: true })
    expect(restored).toMatchObject({ cursor: null, resyncing: true })
  })

  it('leaves an ordinary cursor as it was', async () => {
    const restored = await restoredAfter({ entity: 'todos', changes: [], cursor: 'c5', hasMore: false, at: 1 })
    expect(restored).toMatchObject({ cursor: 'c5', resyncing: false })
  })
})
