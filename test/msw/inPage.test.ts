// @vitest-environment jsdom
import { expect, it } from 'vitest'
import { createMockBackend, createWebStorage } from 'rtk-offline/msw'
import { useMswServer } from '../support/mswServer'

// In a page (here jsdom), a relative baseUrl resolves against the page's location, as the example app
// uses it with setupWorker.
const backend = createMockBackend({ baseUrl: '/api/' })
useMswServer(...backend.handlers)

it('serves a relative baseUrl on the page’s origin and logs paths relative to it', async () => {
  const response = await fetch(new URL('/api/todos', location.href), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ id: '1', title: 'Buy milk' }),
  })
  expect(response.status).toBe(201)
  const pulled = await fetch(new URL('/api/todos?since=0', location.href))
  expect(await pulled.json()).toMatchObject({ changes: [{ id: '1' }], cursor: '1', hasMore: false })
  expect(backend.requests.map((request) => request.path)).toEqual(['/todos', '/todos?since=0'])
})

it('keeps the data in localStorage with createWebStorage, so a reload finds it', () => {
  const before = createMockBackend({ baseUrl: '/elsewhere', storage: createWebStorage('test/mock-backend') })
  before.seed('todos', [{ id: '1', title: 'Buy milk' }])
  expect(JSON.parse(localStorage.getItem('test/mock-backend')!)).toMatchObject({ sequence: 1, records: { todos: [{ id: '1' }] } })
  const afterReload = createMockBackend({ baseUrl: '/elsewhere', storage: createWebStorage('test/mock-backend') })
  expect(afterReload.records('todos')).toEqual(before.records('todos'))
  afterReload.reset()
  expect(before.records('todos')).toEqual([])
})
