// @vitest-environment jsdom
import 'fake-indexeddb/auto'
import { http, HttpResponse } from 'msw'
import { describe, expect, it, vi } from 'vitest'
import { useMswServer } from '../support/mswServer'
import { createFakeLocks } from '../support/fakeLocks'

const baseUrl = 'https://api.example.com/v1'
const todos: Array<{ id: string; title: string; done: boolean }> = [{ id: 'a', title: 'Existing', done: false }]
const writes: Array<{ method: string; path: string; key: string | null }> = []
useMswServer(
  http.get(`${baseUrl}/todos`, () => HttpResponse.json(todos)),
  http.post(`${baseUrl}/todos`, async ({ request }) => {
    writes.push({ method: 'POST', path: '/todos', key: request.headers.get('Idempotency-Key') })
    const todo = (await request.json()) as (typeof todos)[number]
    todos.push(todo)
    return HttpResponse.json(todo, { status: 201 })
  }),
  http.patch(`${baseUrl}/todos/:id`, async ({ request, params }) => {
    writes.push({ method: 'PATCH', path: `/todos/${String(params.id)}`, key: request.headers.get('Idempotency-Key') })
    const todo = todos.find((item) => item.id === params.id)!
    Object.assign(todo, await request.json())
    return HttpResponse.json(todo)
  }),
)

describe("docs/rtk-query.md's store (examples/docs/rtk-query/after)", () => {
  it('runs: the hooks\' mutations go through the outbox with an Idempotency-Key, and the list shows them at once and after the refetch', async () => {
    // Web Locks elect the tab that sends at once (jsdom has none; the fallback waits seconds).
    Object.defineProperty(navigator, 'locks', { value: createFakeLocks(), configurable: true })
    const { store, sync } = await import('../../examples/docs/rtk-query/after/store')
    const { api } = await import('../../examples/docs/rtk-query/after/api')
    store.dispatch(api.endpoints.getTodos.initiate())
    await vi.waitFor(() => expect(api.endpoints.getTodos.select()(store.getState()).data).toHaveLength(1))
    const added = store.dispatch(api.endpoints.addTodo.initiate({ id: 'b', title: 'Buy milk', done: false }))
    const toggled = store.dispatch(api.endpoints.toggleTodo.initiate({ id: 'a', done: true }))
    expect(api.endpoints.getTodos.select()(store.getState()).data).toEqual([
      { id: 'a', title: 'Existing', done: true },
      { id: 'b', title: 'Buy milk', done: false },
    ])
    await Promise.all([added.unwrap(), toggled.unwrap()])
    expect(writes.map((write) => `${write.method} ${write.path}`)).toEqual(['POST /todos', 'PATCH /todos/a'])
    expect(writes.every((write) => write.key !== null)).toBe(true)
    await vi.waitFor(() => expect(api.endpoints.getTodos.select()(store.getState()).data).toEqual(todos))
    sync.stop()
  })
})
