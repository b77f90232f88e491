import { describe, expect, it, vi } from 'vitest'
import type { EffectRunner } from '../../src/reduxOffline'
import { createFakeLocks } from '../support/fakeLocks'
import { freshStorage } from '../support/persistedStore'
import { addTodo, loadCompatPage } from './page'

/** Whether a tab's persistence is the sending one (internal: not on the public Persistor). */
const isSender = (persistor: unknown) => (persistor as { isSender(): boolean }).isSender()

describe('redux-offline actions with tabs', () => {
  it('an action queued in one tab runs once, in the tab that sends, and every tab gets its commit with the result', async () => {
    const storage = freshStorage()
    const persist = { tabs: true, locks: createFakeLocks(), key: 'redux-offline-tabs' }
    const calls: string[] = []
    const effectOf =
      (tab: string): EffectRunner =>
      async (_effect, action, { idempotencyKey }) => {
        calls.push(`${tab} ${action.type} ${idempotencyKey}`)
        return { savedBy: tab }
      }
    const a = loadCompatPage({ storage, persist, effect: effectOf('a'), online: true })
    await a.persistor!.ready
    const b = loadCompatPage({ storage, persist, effect: effectOf('b'), online: true })
    await b.persistor!.ready
    await vi.waitFor(() => expect(isSender(a.persistor)).toBe(true))
    expect(isSender(b.persistor)).toBe(false)

    b.store.dispatch(addTodo('x', 'From b'))
    await vi.waitFor(() => expect(b.outbox()).toEqual([]))
    await vi.waitFor(() => expect(a.outbox()).toEqual([]))
    expect(calls).toEqual([`a ADD_TODO ${b.opId(1)}`])
    const commit = { type: 'ADD_TODO_COMMIT', payload: { savedBy: 'a' }, meta: { id: 'x', success: true, completed: true } }
    expect(b.appActions()).toEqual([addTodo('x', 'From b'), commit])
    expect(b.todos()).toEqual([{ id: 'x', title: 'From b', synced: true }])
    // The tab that ran it never saw the action itself (it was dispatched in b), only its commit.
    expect(a.appActions()).toEqual([commit])
    a.sync.stop()
    b.sync.stop()
  })
})
