import { describe, expect, it, vi } from 'vitest'
import { freshStorage } from '../support/persistedStore'
import { useMswServer } from '../support/mswServer'
import { createTodoBackend, loadQueryPage } from './page'

const backend = createTodoBackend()
useMswServer(...backend.handlers)

describe('queued RTK Query mutations across a reload', () => {
  it('keeps the queued mutations, applies their optimistic patches to the refetched list again, and sends each once, in order, after the reload', async () => {
    backend.todos.push({ id: 'a', title: 'Existing' })
    const storage = freshStorage()
    const first = loadQueryPage({ storage })
    await first.persistor!.ready
    first.watchTodos()
    await vi.waitFor(() => expect(first.cached()).toEqual([{ id: 'a', title: 'Existing' }]))
    first.store.dispatch(first.api.endpoints.renameTodo.initiate({ id: 'a', title: 'Renamed offline' }))
    first.store.dispatch(first.api.endpoints.addTodo.initiate({ id: 'b', title: 'Added offline' }))
    await vi.waitFor(() => expect(first.queued()).toHaveLength(2))
    const ids = first.queued().map((mutation) => mutation.id)
    const keys = first.opIds()
    await first.sync.flush()
    first.stop()

    // The reload: still offline. The list comes from the server without the changes; the patches go on top.
    const second = loadQueryPage({ storage })
    await second.persistor!.ready
    expect(second.queued().map((mutation) => [mutation.id, mutation.endpoint, mutation.arg])).toEqual([
      [ids[0], 'renameTodo', { id: 'a', title: 'Renamed offline' }],
      [ids[1], 'addTodo', { id: 'b', title: 'Added offline' }],
    ])
    second.watchTodos()
    await vi.waitFor(() =>
      expect(second.cached()).toEqual([
        { id: 'a', title: 'Renamed offline' },
        { id: 'b', title: 'Added offline' },
      ]),
    )
    expect(backend.writes()).toEqual([])

    // Online: each sent once, in order, under the key it was queued with; the list refetched shows the server's data.
    second.network.setOnline(true)
    await vi.waitFor(() => expect(second.status()).toMatchObject({ pending: 0, phase: 'idle' }))
    expect(backend.writes().map((request) => [request.method, request.path, request.key])).toEqual([
      ['PATCH', '/todos/a', keys[0]],
      ['POST', '/todos', keys[1]],
    ])
    expect(backend.todos).toEqual([
      { id: 'a', title: 'Renamed offline' },
      { id: 'b', title: 'Added offline' },
    ])
    await vi.waitFor(() => expect(backend.requests.filter((request) => request.method === 'GET').length).toBeGreaterThanOrEqual(3))
    await vi.waitFor(() => expect(second.api.endpoints.getTodos.select()(second.store.getState()).status).toBe('fulfilled'))
    expect(second.cached()).toEqual(backend.todos)
    expect(second.errors).toEqual([])
    await second.sync.flush()
    second.stop()

    // Stored as done: a third start sends nothing.
    const third = loadQueryPage({ storage, online: true })
    await third.persistor!.ready
    await vi.waitFor(() => expect(third.status().phase).toBe('idle'))
    expect(third.queued()).toEqual([])
    expect(backend.writes()).toHaveLength(2)
    third.stop()
  })

  it('applies the restored mutations\' patches to a list fetched before the restore ended', async () => {
    backend.todos.length = 0
    backend.requests.length = 0
    backend.todos.push({ id: 'a', title: 'Existing' })
    const storage = freshStorage()
    const first = loadQueryPage({ storage })
    await first.persistor!.ready
    first.store.dispatch(first.api.endpoints.addTodo.initiate({ id: 'b', title: 'Added offline' }))
    await first.sync.flush()
    first.stop()

    const second = loadQueryPage({ storage })
    // The list is in the cache before the queue is restored (here put there at once, as a server-rendered
    // page or a persisted query cache would).
    await second.store.dispatch(second.api.util.upsertQueryData('getTodos', undefined, [{ id: 'a', title: 'Existing' }]))
    expect(second.queued()).toEqual([])
    expect(second.cached()).toEqual([{ id: 'a', title: 'Existing' }])
    await second.persistor!.ready
    expect(second.cached()).toEqual([
      { id: 'a', title: 'Existing' },
      { id: 'b', title: 'Added offline' },
    ])
    second.stop()
  })
})
