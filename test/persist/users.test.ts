import { describe, expect, it, vi } from 'vitest'
import { createFakeLocks } from '../support/fakeLocks'
import { freshStorage, loadPage } from '../support/persistedStore'
import { createScriptedAdapter } from '../support/scriptedAdapter'

const todo = (id: string) => ({ id, title: id, done: false })

describe('switching users', () => {
  it("keeps each user's outbox apart and never sends one user's operations while another is signed in", async () => {
    const storage = freshStorage()
    const scripted = createScriptedAdapter()
    scripted.autoRespond(() => ({ type: 'ok' }))
    const page = loadPage(storage, scripted.adapter)
    await page.persistor.ready
    await page.persistor.switchUser('alice')
    page.store.dispatch(page.todos.actions.added(todo('alice-1')))
    expect(page.ops()[0]!.userId).toBe('alice')

    await page.persistor.switchUser('bob')
    expect(page.view()).toEqual([])
    expect(page.status().pending).toBe(0)
    page.store.dispatch(page.todos.actions.added(todo('bob-1')))
    page.network.setOnline(true)
    await vi.waitFor(() => expect(page.status().pending).toBe(0))
    expect(scripted.calls.flatMap((call) => call.operations.map((op) => op.recordId))).toEqual(['bob-1'])

    // Alice's work was kept (logout loses nothing) and goes out once she is back.
    await page.persistor.switchUser('alice')
    expect(page.view()).toEqual([todo('alice-1')])
    await vi.waitFor(() => expect(page.status().pending).toBe(0))
    expect(scripted.calls.flatMap((call) => call.operations.map((op) => op.recordId))).toEqual(['bob-1', 'alice-1'])
    page.sync.stop()
  })

  it('signs out with null, keeping the outbox until purged', async () => {
    const storage = freshStorage()
    const scripted = createScriptedAdapter()
    const page = loadPage(storage, scripted.adapter)
    await page.persistor.ready
    await page.persistor.switchUser('alice')
    page.store.dispatch(page.todos.actions.added(todo('a')))
    await page.persistor.switchUser(null)
    expect(page.view()).toEqual([])
    await expect(page.persistor.purge(null)).rejects.toThrow(/does not delete the signed-in user's outbox/)
    const aliceKeys = async () => ((await storage.keys?.()) ?? []).filter((key) => key.startsWith('rtk-offline:user:alice/'))
    expect((await aliceKeys()).length).toBeGreaterThan(0)
    await page.persistor.purge('alice')
    expect(await aliceKeys()).toEqual([])
    await page.persistor.switchUser('alice')
    expect(page.view()).toEqual([])
    page.sync.stop()
  })

  // Found by the browser chaos suite (e2e/chaos, seeds 32 and 35): a user signed in and straight back
  // out without waiting (`switchUser('bob')` then `switchUser('alice')` at once). The two switches ran
  // side by side, two restores at once, and alice's outbox was left with nothing that would send it.
  it.each([
    ['one tab', { tabs: false }],
    ['tabs sharing the outbox', { tabs: true, locks: createFakeLocks(), key: 'overlapping-switches' }],
  ])('runs overlapping switches one after the other (%s): signed in and straight back out, the outbox still sends', async (_name, persist) => {
    const storage = freshStorage()
    const scripted = createScriptedAdapter()
    scripted.autoRespond(() => ({ type: 'ok' }))
    const page = loadPage(storage, scripted.adapter, { persist })
    await page.persistor.ready
    await page.persistor.switchUser('alice')
    page.store.dispatch(page.todos.actions.added(todo('alice-1')))

    const toBob = page.persistor.switchUser('bob')
    const backToAlice = page.persistor.switchUser('alice')
    await Promise.all([toBob, backToAlice])
    expect(page.store.getState().offline.userId).toBe('alice')
    expect(page.view()).toEqual([todo('alice-1')])
    page.store.dispatch(page.todos.actions.added(todo('alice-2')))
    page.network.setOnline(true)
    await vi.waitFor(() => expect(page.status().pending).toBe(0))
    expect(scripted.calls.flatMap((call) => call.operations.map((op) => `${String(op.userId)}:${String(op.recordId)}`))).toEqual(['alice:alice-1', 'alice:alice-2'])
    page.sync.stop()
  })

  it('refuses a user id that is not a string or null', async () => {
    const page = loadPage(freshStorage(), createScriptedAdapter().adapter)
    await expect(page.persistor.switchUser(7 as never)).rejects.toThrow('rtk-offline: switchUser takes a user id string or null, got 7.')
    page.sync.stop()
  })
})

describe('persist()', () => {
  it('needs the persist option, a store with the middleware, and one call per store', async () => {
    const { configureStore } = await import('@reduxjs/toolkit')
    const { createOfflineSync, createSyncedEntity } = await import('../../src')
    const todos = createSyncedEntity<{ id: string }>({ name: 'todos' })
    const plain = createOfflineSync({ entities: [todos], adapter: createScriptedAdapter().adapter })
    const store = configureStore({ reducer: { todos: todos.reducer, offline: plain.reducer }, middleware: (g) => g().concat(plain.middleware) })
    expect(() => plain.persist(store)).toThrow(/needs the `persist` option/)
    const page = loadPage(freshStorage(), createScriptedAdapter().adapter)
    expect(() => page.sync.persist(store)).toThrow(/needs a store made with sync.middleware/)
    expect(() => page.sync.persist(page.store)).toThrow(/already called for this store/)
    page.sync.stop()
  })
})
