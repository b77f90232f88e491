import { describe, expect, it, vi } from 'vitest'
import { createFakeLocks } from '../support/fakeLocks'
import { freshStorage } from '../support/persistedStore'
import { useMswServer } from '../support/mswServer'
import { createTodoBackend, loadQueryPage } from './page'

const backend = createTodoBackend()
useMswServer(...backend.handlers)

/** Whether a tab's persistence is the sending one (internal: not on the public Persistor). */
const isSender = (persistor: unknown) => (persistor as { isSender(): boolean }).isSender()

describe('queued RTK Query mutations with tabs', () => {
  it('a mutation triggered in a tab that does not send is sent once by the tab that does; its trigger settles with the answer and both caches keep the change', async () => {
    const storage = freshStorage()
    const persist = { tabs: true, locks: createFakeLocks(), key: 'rtk-query-tabs' }
    const a = loadQueryPage({ storage, persist, online: true })
    await a.persistor!.ready
    const b = loadQueryPage({ storage, persist, online: true })
    await b.persistor!.ready
    await vi.waitFor(() => expect(isSender(a.persistor)).toBe(true))
    expect(isSender(b.persistor)).toBe(false)
    a.watchTodos()
    b.watchTodos()
    await vi.waitFor(() => expect([a.cached(), b.cached()]).toEqual([[], []]))

    const trigger = b.store.dispatch(b.api.endpoints.addTodo.initiate({ id: 'x', title: 'From b' }))
    expect(b.cached()).toEqual([{ id: 'x', title: 'From b' }])
    await expect(trigger.unwrap()).resolves.toEqual({ id: 'x', title: 'From b' })
    await vi.waitFor(() => expect(a.queued()).toEqual([]))
    expect(backend.writes().map((request) => [request.method, request.path])).toEqual([['POST', '/todos']])
    await vi.waitFor(() => expect(a.api.endpoints.getTodos.select()(a.store.getState()).status).toBe('fulfilled'))
    await vi.waitFor(() => expect(b.api.endpoints.getTodos.select()(b.store.getState()).status).toBe('fulfilled'))
    expect(a.cached()).toEqual([{ id: 'x', title: 'From b' }])
    expect(b.cached()).toEqual([{ id: 'x', title: 'From b' }])
    a.stop()
    b.stop()
  })
})
