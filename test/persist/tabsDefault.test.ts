import { afterEach, describe, expect, it, vi } from 'vitest'
import { createPersistence } from '../../src/persist'
import { createManualTimers } from '../support/manualTimers'
import { freshStorage, pageOpener } from '../support/persistedStore'
import { createScriptedAdapter } from '../support/scriptedAdapter'

const open = pageOpener()

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('tabs default to what the context can have', () => {
  it('in Node (no window, no Web Locks) a process is one tab: the first change is sent without waiting for a sender election', async () => {
    // The clock never moves: with tabs on, the BroadcastChannel election would wait for its 3 s silence
    // timeout on these timers before this process became the sender, and nothing would be sent.
    const clock = createManualTimers()
    const backend = createScriptedAdapter()
    backend.autoRespond((op) => ({ type: 'ok', record: { ...op.data, version: 1 } }))
    const page = open(freshStorage(), backend.adapter, {
      online: true,
      timers: clock.timers,
      now: clock.now,
      persist: { tabs: undefined },
    })
    await page.persistor.ready
    page.store.dispatch(page.todos.actions.added({ id: 'a', title: 'From Node', done: false }))
    await vi.waitFor(() => expect(backend.sent()).toHaveLength(1))
    await vi.waitFor(() => expect(page.status().pending).toBe(0))
  })

  it('shares the outbox by default in a page, and wherever `tabs: true` says so', () => {
    expect(createPersistence().sharesOutbox).toBe(false)
    expect(createPersistence({ tabs: true }).sharesOutbox).toBe(true)
    vi.stubGlobal('window', {})
    expect(createPersistence().sharesOutbox).toBe(true)
    expect(createPersistence({ tabs: false }).sharesOutbox).toBe(false)
  })
})
