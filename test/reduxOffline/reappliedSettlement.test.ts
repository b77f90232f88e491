import { describe, expect, it } from 'vitest'
import { opsSettled } from '../../src/slices/actions'
import { addTodo, loadCompatPage } from './page'

// A tab that opens next to live tabs takes their state (the answer to its hello), then applies again its
// own actions posted since, marked `reapplied` (src/persist/startPersistence.ts, takeSnapshot). When the
// answer was taken before one of its own settlements, that settlement is applied again: its state change is
// needed again, but the app got its commit the first time. Applied as another tab's, the app's reducers got
// the commit twice (found by the redux-offline chaos suite once some restores waited for other tabs).
describe("a tab's own settlement applied again on a live tab's state", () => {
  const effect = async () => ({ id: 'a' })

  function settle(page: ReturnType<typeof loadCompatPage>, meta: Record<string, unknown>) {
    const [op] = page.sync.selectors.selectOps(page.store.getState())
    const settled = opsSettled({
      at: 1,
      verdict: 'answered',
      results: [{ seq: op!.seq, opId: op!.id, entity: op!.entity, recordId: op!.recordId, type: 'confirmed', record: null }],
    })
    page.store.dispatch({ ...settled, meta })
  }

  it('tidies the queue without dispatching the commit again', () => {
    const page = loadCompatPage({ effect })
    page.store.dispatch(addTodo('a', 'Buy milk'))
    settle(page, { remoteTab: 'this-tab', reapplied: true })
    expect(page.appActions().map((action) => action.type)).toEqual(['ADD_TODO'])
    expect(page.outbox()).toEqual([])
    expect((page.store.getState().reduxOffline as { ids: unknown[] }).ids).toEqual([])
    page.sync.stop()
  })

  it("another tab's settlement still dispatches the commit here, once", () => {
    const page = loadCompatPage({ effect })
    page.store.dispatch(addTodo('a', 'Buy milk'))
    settle(page, { remoteTab: 'other-tab' })
    expect(page.appActions().map((action) => action.type)).toEqual(['ADD_TODO', 'ADD_TODO_COMMIT'])
    expect(page.outbox()).toEqual([])
    page.sync.stop()
  })
})
