import { http, HttpResponse } from 'msw'
import { describe, expect, it, vi } from 'vitest'
import { createManualTimers } from '../support/manualTimers'
import { useMswServer } from '../support/mswServer'
import { baseUrl, createTodoBackend, loadQueryPage, type Todo } from './page'

const backend = createTodoBackend()
const server = useMswServer(...backend.handlers)

function reset() {
  backend.todos.length = 0
  backend.requests.length = 0
  backend.failNext.length = 0
}

describe('createOfflineMutations: RTK Query mutations in the outbox', () => {
  it('queues a mutation made offline (nothing sent) with its optimistic patch in the cache; online, sends it once with an Idempotency-Key and the tags refetch the list', async () => {
    reset()
    backend.todos.push({ id: 'a', title: 'Existing' })
    const page = loadQueryPage()
    page.watchTodos()
    await vi.waitFor(() => expect(page.cached()).toEqual([{ id: 'a', title: 'Existing' }]))

    const trigger = page.store.dispatch(page.api.endpoints.addTodo.initiate({ id: 'b', title: 'Buy milk' }))
    await vi.waitFor(() => expect(page.queued()).toHaveLength(1))
    expect(page.queued()).toEqual([{ id: expect.stringMatching(/-m1$/), endpoint: 'addTodo', arg: { id: 'b', title: 'Buy milk' }, requestId: trigger.requestId }])
    expect(page.offline.selectQueuedByRequestId(page.store.getState(), trigger.requestId)?.arg).toEqual({ id: 'b', title: 'Buy milk' })
    expect(page.cached()).toEqual([
      { id: 'a', title: 'Existing' },
      { id: 'b', title: 'Buy milk' },
    ])
    expect(page.status().pending).toBe(1)
    const [opId] = page.opIds()
    expect(backend.writes()).toEqual([])
    // The trigger (and the hook's result) stays pending while the mutation is queued.
    expect(page.api.endpoints.addTodo.select(trigger.requestId)(page.store.getState()).status).toBe('pending')

    page.network.setOnline(true)
    await expect(trigger.unwrap()).resolves.toEqual({ id: 'b', title: 'Buy milk' })
    await vi.waitFor(() => expect(page.status().pending).toBe(0))
    // The operation's id is the Idempotency-Key, as for every operation of the outbox.
    expect(backend.writes()).toEqual([{ method: 'POST', path: '/todos', key: opId, body: { id: 'b', title: 'Buy milk' } }])
    expect(opId).toMatch(/-op1$/)
    // invalidatesTags: the list is fetched again, and shows the server's data (once, not the patch on top of it).
    await vi.waitFor(() => expect(backend.requests.filter((request) => request.method === 'GET')).toHaveLength(2))
    await vi.waitFor(() => expect(page.api.endpoints.getTodos.select()(page.store.getState()).status).toBe('fulfilled'))
    expect(page.cached()).toEqual([
      { id: 'a', title: 'Existing' },
      { id: 'b', title: 'Buy milk' },
    ])
    expect(page.queued()).toEqual([])
    expect(page.errors).toEqual([])
    page.stop()
  })

  it('sends several queued mutations one at a time, in the order they were made', async () => {
    reset()
    const page = loadQueryPage()
    page.watchTodos()
    await vi.waitFor(() => expect(page.cached()).toEqual([]))
    const first = page.store.dispatch(page.api.endpoints.addTodo.initiate({ id: 'a', title: 'One' }))
    const second = page.store.dispatch(page.api.endpoints.renameTodo.initiate({ id: 'a', title: 'One, renamed' }))
    const third = page.store.dispatch(page.api.endpoints.addTodo.initiate({ id: 'b', title: 'Two' }))
    await vi.waitFor(() => expect(page.queued()).toHaveLength(3))
    expect(page.cached()).toEqual([
      { id: 'a', title: 'One, renamed' },
      { id: 'b', title: 'Two' },
    ])
    page.network.setOnline(true)
    await Promise.all([first, second, third].map((trigger) => trigger.unwrap()))
    expect(backend.writes().map((request) => `${request.method} ${request.path}`)).toEqual(['POST /todos', 'PATCH /todos/a', 'POST /todos'])
    expect(new Set(backend.writes().map((request) => request.key)).size).toBe(3)
    expect(backend.todos).toEqual([
      { id: 'a', title: 'One, renamed' },
      { id: 'b', title: 'Two' },
    ])
    page.stop()
  })

  it('a 4xx takes the patch out, rejects the trigger with the endpoint\'s error and lists the mutation as failed; retryFailed sends it again, discardFailed drops it', async () => {
    reset()
    const page = loadQueryPage()
    page.watchTodos()
    await vi.waitFor(() => expect(page.cached()).toEqual([]))
    const kept = page.store.dispatch(page.api.endpoints.addTodo.initiate({ id: 'a', title: 'Kept' }))
    const refused = page.store.dispatch(page.api.endpoints.addTodo.initiate({ id: 'b', title: 'Refused' }))
    await vi.waitFor(() => expect(page.cached()).toHaveLength(2))
    // The first goes through; the second is refused.
    backend.failNext.push('ok', 422)
    page.network.setOnline(true)
    await kept.unwrap()
    await expect(refused.unwrap()).rejects.toEqual({ status: 422, data: { message: 'refused' } })
    await vi.waitFor(() => expect(page.status().failed).toBe(1))
    await vi.waitFor(() => expect(page.api.endpoints.getTodos.select()(page.store.getState()).status).toBe('fulfilled'))
    expect(page.cached()).toEqual([{ id: 'a', title: 'Kept' }])
    const failed = page.sync.selectors.selectFailed(page.store.getState())
    expect(failed.map((op) => [op.entity, (op.data as { endpoint: string }).endpoint, op.lastError?.status, op.lastError?.code])).toEqual([
      ['offlineMutations', 'addTodo', 422, 'rejected'],
    ])

    // Retried: queued again (its patch back) as a new operation, so under a new key (a server that stored
    // the refusal under the old one would answer it again), accepted this time.
    page.store.dispatch(page.sync.actions.retryFailed())
    await vi.waitFor(() => expect(page.status().pending).toBe(0))
    expect(page.status().failed).toBe(0)
    const posts = backend.writes().filter((request) => (request.body as { id: string }).id === 'b')
    expect(posts).toHaveLength(2)
    expect(posts[1]!.key).not.toBe(posts[0]!.key)
    await vi.waitFor(() => expect(page.cached()).toEqual([
      { id: 'a', title: 'Kept' },
      { id: 'b', title: 'Refused' },
    ]))

    // Refused again and discarded: gone from the failed list, the cache without it.
    const again = page.store.dispatch(page.api.endpoints.renameTodo.initiate({ id: 'b', title: 'Nope' }))
    backend.failNext.push(400)
    await expect(again.unwrap()).rejects.toMatchObject({ status: 400 })
    await vi.waitFor(() => expect(page.status().failed).toBe(1))
    page.store.dispatch(page.sync.actions.discardFailed())
    expect(page.status().failed).toBe(0)
    expect(page.cached()?.find((todo) => todo.id === 'b')?.title).toBe('Refused')
    page.stop()
  })

  it('a refused mutation between two others is taken out alone: the cache is the data without it, with the others replayed', async () => {
    reset()
    const page = loadQueryPage()
    page.watchTodos()
    await vi.waitFor(() => expect(page.cached()).toEqual([]))
    // From now on the list cannot be fetched again (RTK Query keeps the data it has): what the cache shows
    // is only the base and the queued recipes.
    server.use(http.get(`${baseUrl}/todos`, () => HttpResponse.json({ message: 'down' }, { status: 500 })))
    const triggers = [
      page.store.dispatch(page.api.endpoints.addTodo.initiate({ id: 'a', title: 'First' })),
      page.store.dispatch(page.api.endpoints.addTodo.initiate({ id: 'b', title: 'Refused' })),
      page.store.dispatch(page.api.endpoints.addTodo.initiate({ id: 'c', title: 'Third' })),
    ]
    expect(page.cached()?.map((todo) => todo.id)).toEqual(['a', 'b', 'c'])
    backend.failNext.push('ok', 422, 'ok')
    page.network.setOnline(true)
    await Promise.allSettled(triggers.map((trigger) => trigger.unwrap()))
    await vi.waitFor(() => expect(page.status()).toMatchObject({ pending: 0, failed: 1 }))
    expect(page.cached()).toEqual([
      { id: 'a', title: 'First' },
      { id: 'c', title: 'Third' },
    ])
    expect(backend.todos.map((todo) => todo.id)).toEqual(['a', 'c'])
    page.stop()
  })

  it('a refetch while mutations wait gets their recipes again on top of the server data', async () => {
    reset()
    backend.todos.push({ id: 'a', title: 'Existing' })
    const page = loadQueryPage()
    page.watchTodos()
    await vi.waitFor(() => expect(page.cached()).toHaveLength(1))
    page.store.dispatch(page.api.endpoints.renameTodo.initiate({ id: 'a', title: 'Renamed offline' }))
    // Someone else adds a todo; the list is fetched again (polling, focus, another mutation's tags).
    backend.todos.push({ id: 'z', title: 'From elsewhere' })
    await page.store.dispatch(page.api.endpoints.getTodos.initiate(undefined, { forceRefetch: true }))
    expect(page.cached()).toEqual([
      { id: 'a', title: 'Renamed offline' },
      { id: 'z', title: 'From elsewhere' },
    ])
    expect(backend.writes()).toEqual([])
    page.stop()
  })

  it('an answer that comes after the list was fetched again does not add its change a second time: that list is kept as the server gave it and fetched again at once, even while a later mutation waits offline', async () => {
    reset()
    const page = loadQueryPage({ online: true })
    page.watchTodos()
    await vi.waitFor(() => expect(page.cached()).toEqual([]))
    // The server applies the add at once and answers when the test says.
    let answer!: () => void
    const answered = new Promise<void>((resolve) => (answer = resolve))
    server.use(
      http.post(`${baseUrl}/todos`, async ({ request }) => {
        const todo = (await request.json()) as Todo
        backend.todos.push(todo)
        await answered
        return HttpResponse.json(todo, { status: 201 })
      }, { once: true }),
    )
    const add = page.store.dispatch(page.api.endpoints.addTodo.initiate({ id: 'a', title: 'Added' }))
    await vi.waitFor(() => expect(backend.todos).toHaveLength(1))
    // The list is fetched again meanwhile: it holds the add already (its recipe goes on top while it waits).
    await page.store.dispatch(page.api.endpoints.getTodos.initiate(undefined, { forceRefetch: true }))
    page.network.setOnline(false)
    page.store.dispatch(page.api.endpoints.renameTodo.initiate({ id: 'a', title: 'Renamed offline' }))
    const reads = backend.requests.filter((request) => request.method === 'GET').length
    answer()
    await add.unwrap()
    await vi.waitFor(() => expect(page.cached()).toEqual([{ id: 'a', title: 'Renamed offline' }]))
    // The tags' refetch waits for the rename (RTK Query's delayed invalidation); this one does not.
    expect(backend.requests.filter((request) => request.method === 'GET')).toHaveLength(reads + 1)
    expect(page.queued().map((mutation) => mutation.endpoint)).toEqual(['renameTodo'])
    page.stop()
  })

  it('a 5xx or a dropped connection is tried again with backoff, under the same key, until it goes through', async () => {
    reset()
    const clock = createManualTimers()
    const page = loadQueryPage({ online: true, sync: { timers: clock.timers, now: clock.now }, offline: { now: clock.now } })
    backend.failNext.push(503, 'network')
    const trigger = page.store.dispatch(page.api.endpoints.addTodo.initiate({ id: 'a', title: 'Flaky' }))
    await vi.waitFor(() => expect(page.status().phase).toBe('backoff'))
    expect(backend.writes()).toHaveLength(1)
    expect(page.status().lastError).toMatchObject({ status: 503, code: 'http-error' })
    clock.advance(page.status().nextAttemptAt! - clock.now())
    await vi.waitFor(() => expect(backend.writes()).toHaveLength(2))
    await vi.waitFor(() => expect(page.status().phase).toBe('backoff'))
    expect(page.status().lastError).toMatchObject({ code: 'network-error' })
    clock.advance(page.status().nextAttemptAt! - clock.now())
    await expect(trigger.unwrap()).resolves.toEqual({ id: 'a', title: 'Flaky' })
    expect(backend.writes().map((request) => request.key)).toEqual(Array(3).fill(backend.writes()[0]!.key))
    expect(backend.todos).toEqual([{ id: 'a', title: 'Flaky' }])
    page.stop()
  })

  it('online, a mutation is stored and sent at once through its own trigger: one request, one RTK Query mutation, one refetch', async () => {
    reset()
    const page = loadQueryPage({ online: true })
    page.watchTodos()
    await vi.waitFor(() => expect(page.cached()).toEqual([]))
    await page.store.dispatch(page.api.endpoints.addTodo.initiate({ id: 'a', title: 'Online' })).unwrap()
    await vi.waitFor(() => expect(page.status().pending).toBe(0))
    await vi.waitFor(() => expect(page.api.endpoints.getTodos.select()(page.store.getState()).status).toBe('fulfilled'))
    expect(backend.writes()).toHaveLength(1)
    expect(page.actions.filter((action) => action.type === 'api/executeMutation/pending')).toHaveLength(1)
    expect(backend.requests.filter((request) => request.method === 'GET')).toHaveLength(2)
    expect(page.cached()).toEqual([{ id: 'a', title: 'Online' }])
    page.stop()
  })

  it("a 429 waits as long as its Retry-After says, then goes", async () => {
    reset()
    const clock = createManualTimers()
    const page = loadQueryPage({ online: true, sync: { timers: clock.timers, now: clock.now }, offline: { now: clock.now } })
    server.use(http.post(`${baseUrl}/todos`, () => HttpResponse.json({ message: 'slow down' }, { status: 429, headers: { 'Retry-After': '30' } }), { once: true }))
    const trigger = page.store.dispatch(page.api.endpoints.addTodo.initiate({ id: 'a', title: 'Later' }))
    await vi.waitFor(() => expect(page.status().phase).toBe('backoff'))
    expect(page.status().nextAttemptAt! - clock.now()).toBe(30_000)
    expect(page.status().lastError).toMatchObject({ status: 429, code: 'http-error' })
    clock.advance(30_000)
    await expect(trigger.unwrap()).resolves.toEqual({ id: 'a', title: 'Later' })
    expect(backend.writes()).toHaveLength(1)
    page.stop()
  })

  it('a 401 pauses sending for credentials (onAuthError), then the mutation goes under the same key', async () => {
    reset()
    const asked: unknown[] = []
    let refresh!: (ok: boolean) => void
    const page = loadQueryPage({ online: true, sync: { onAuthError: (error) => (asked.push(error?.status), new Promise<boolean>((resolve) => (refresh = resolve))) } })
    backend.failNext.push(401)
    const trigger = page.store.dispatch(page.api.endpoints.addTodo.initiate({ id: 'a', title: 'Needs a token' }))
    await vi.waitFor(() => expect(asked).toEqual([401]))
    expect(page.status().phase).toBe('auth-required')
    refresh(true)
    await expect(trigger.unwrap()).resolves.toEqual({ id: 'a', title: 'Needs a token' })
    expect(backend.writes().map((request) => request.key)).toEqual(Array(2).fill(backend.writes()[0]!.key))
    page.stop()
  })

  it('mutations it does not list, and queries, go straight to the base query', async () => {
    reset()
    backend.todos.push({ id: 'a', title: 'Old' })
    const page = loadQueryPage()
    await page.store.dispatch(page.api.endpoints.clearTodos.initiate()).unwrap()
    expect(backend.writes()).toEqual([{ method: 'DELETE', path: '/todos', key: null, body: null }])
    expect(page.queued()).toEqual([])
    expect(page.status().pending).toBe(0)
    page.stop()
  })
})
