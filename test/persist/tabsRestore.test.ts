import { describe, expect, it, vi } from 'vitest'
import type { SyncStorage } from '../../src/persist'
import { expectNoOrphans } from '../support/crashableStorage'
import { createFakeLocks } from '../support/fakeLocks'
import { createIdempotentServer } from '../support/idempotentServer'
import { freshStorage, loadPage } from '../support/persistedStore'

const todo = (id: string) => ({ id, title: id, done: false })

describe('tabs sharing an outbox', () => {
  it('a change another tab makes while this tab is restoring is seen, counted and sent', async () => {
    const inner = freshStorage()
    // Holds this tab's restore right after it has listed the stored keys.
    let gate: Promise<void> | null = null
    let open = () => {}
    let reached = () => {}
    const listed = new Promise<void>((resolve) => (reached = resolve))
    const gated: SyncStorage = {
      getItem: (key) => inner.getItem(key),
      setItem: (key, value) => inner.setItem(key, value),
      removeItem: (key) => inner.removeItem(key),
      keys: async () => {
        const keys = await inner.keys!()
        if (gate) {
          reached()
          await gate
        }
        return keys
      },
    }
    const server = createIdempotentServer()
    const locks = createFakeLocks()
    const persist = { tabs: true, locks, key: 'restoring-tab' }
    const a = loadPage(inner, server.adapter, { persist })
    await a.persistor.ready
    gate = new Promise<void>((resolve) => (open = resolve))
    const b = loadPage(gated, server.adapter, { persist })
    // Tab a's change is stored and broadcast after tab b has read what storage holds.
    await listed
    a.store.dispatch(a.todos.actions.added(todo('made-meanwhile')))
    await a.sync.flush()
    open()
    await b.persistor.ready
    await vi.waitFor(() => expect(b.ops().map((op) => op.recordId)).toEqual(['made-meanwhile']))
    expect(b.status().pending).toBe(1)
    // The sending tab goes; the other sends what it heard.
    a.sync.stop()
    b.network.setOnline(true)
    await vi.waitFor(() => expect(b.status().pending).toBe(0))
    expect(server.applied.map((change) => change.recordId)).toEqual(['made-meanwhile'])
    await expectNoOrphans(b, inner, 'restoring-tab')
    b.sync.stop()
  })
})
