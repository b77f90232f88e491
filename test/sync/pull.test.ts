import { afterEach, describe, expect, it, vi } from 'vitest'
import { lastWriteWins, mergeFields } from 'rtk-offline'
import { createMockBackend } from 'rtk-offline/msw'
import { createClient, type Item } from '../support/client'
import { useMswServer } from '../support/mswServer'

const baseUrl = 'http://127.0.0.1:4050/api'
const backend = createMockBackend({ baseUrl, pageSize: 100 })
useMswServer(...backend.handlers)
const stops: Array<() => void> = []
afterEach(() => {
  for (const stop of stops.splice(0)) stop()
  backend.reset()
})

const item = (id: string, title = id, extra: Partial<Item> = {}): Item => ({ id, title, done: false, ...extra })
const pulls = () => backend.requests.filter((request) => request.method === 'GET').map((request) => request.path)

function client(options: Parameters<typeof createClient>[1] = {}) {
  const c = createClient(baseUrl, options)
  stops.push(() => c.sync.stop())
  return c
}

describe('pull', () => {
  it('brings every record in at start, page by page, and shows progress', async () => {
    backend.seed('items', Array.from({ length: 5 }, (_, i) => item(`r${i}`)))
    const c = client({ limit: 2 })
    c.network.setOnline(true)
    await vi.waitFor(() => expect(c.view()).toHaveLength(5))
    await vi.waitFor(() => expect(c.pull().active).toBe(false))
    expect(c.pull()).toMatchObject({ entities: { items: { status: 'idle', cursor: expect.any(String), lastPulledAt: expect.any(Number) } } })
    // Three pages of two from the start; a later run (coming online) asks only from the last cursor.
    expect(pulls().slice(0, 3)).toEqual([
      '/items?limit=2',
      expect.stringMatching(/^\/items\?since=\d+&limit=2$/),
      expect.stringMatching(/^\/items\?since=\d+&limit=2$/),
    ])
    expect(pulls().slice(3).every((path) => path.startsWith('/items?since='))).toBe(true)
  })

  it('resumes after a failed page from the last applied cursor, skipping nothing', async () => {
    backend.seed('items', Array.from({ length: 6 }, (_, i) => item(`r${i}`)))
    const c = client({ limit: 2 })
    backend.failNext(1, 503, { methods: ['GET'] })
    // The first page fails: nothing applied, cursor unchanged, retried with backoff.
    c.network.setOnline(true)
    await vi.waitFor(() => expect(c.view()).toHaveLength(6))
    const gets = backend.requests.filter((request) => request.method === 'GET')
    expect(gets.map((request) => request.status)).toEqual([503, 200, 200, 200])
    expect(gets[0]!.path).toBe(gets[1]!.path)

    // A failure in the middle: the next attempt asks again from the cursor of the last applied page.
    backend.editRemote('items', 'r0', { title: 'changed 0' })
    backend.editRemote('items', 'r1', { title: 'changed 1' })
    backend.editRemote('items', 'r2', { title: 'changed 2' })
    const before = backend.requests.length
    const cursor = c.pull().entities.items!.cursor
    backend.failNext(1, 500, { methods: ['GET'] })
    c.store.dispatch(c.sync.actions.pullNow('items'))
    await vi.waitFor(() => expect(c.record('r2')).toMatchObject({ title: 'changed 2' }))
    const again = backend.requests.slice(before)
    expect(again.map((request) => [request.path, request.status])).toEqual([
      [`/items?since=${cursor}&limit=2`, 500],
      [`/items?since=${cursor}&limit=2`, 200],
      [expect.stringMatching(/^\/items\?since=\d+&limit=2$/), 200],
    ])
    expect(c.view().map((record) => record.title)).toEqual(['changed 0', 'changed 1', 'changed 2', 'r3', 'r4', 'r5'])
  })

  it('rebases pending changes on a pulled record: the view keeps the unsent change and shows newer server data', async () => {
    backend.seed('items', [item('a', 'Rope')])
    const c = client({ conflict: mergeFields() })
    c.network.setOnline(true)
    await vi.waitFor(() => expect(c.record('a')).toBeTruthy())
    c.network.setOnline(false)
    c.store.dispatch(c.items.actions.updated({ id: 'a', changes: { title: 'Rope (20 m)' } }))
    backend.editRemote('items', 'a', { done: true })
    // A real-time message arrives: pull now, while the change waits.
    c.network.setOnline(true)
    c.store.dispatch(c.sync.actions.pause())
    c.store.dispatch(c.sync.actions.resume())
    await vi.waitFor(() => expect(c.record('a')).toMatchObject({ title: 'Rope (20 m)', done: true }))
    await vi.waitFor(() => expect(c.status().pending).toBe(0))
    expect(backend.record('items', 'a')).toMatchObject({ title: 'Rope (20 m)', done: true })
    expect(c.record('a')).toEqual(backend.record('items', 'a'))
  })

  it('removes records deleted remotely, and ignores a pulled record older than the confirmed one', async () => {
    backend.seed('items', [item('a'), item('b')])
    const c = client()
    c.network.setOnline(true)
    await vi.waitFor(() => expect(c.view()).toHaveLength(2))
    backend.deleteRemote('items', 'b')
    c.store.dispatch(c.sync.actions.pullNow())
    await vi.waitFor(() => expect(c.view().map((record) => record.id)).toEqual(['a']))
    // An out-of-date page (version 1 after version 2 was confirmed) changes nothing.
    c.store.dispatch(c.items.actions.updated({ id: 'a', changes: { title: 'new' } }))
    await vi.waitFor(() => expect(c.record('a')).toMatchObject({ version: 2 }))
    c.store.dispatch(c.sync.actions.pullNow())
    const { pulledPage } = await import('../../src/slices/actions')
    c.store.dispatch(pulledPage({ entity: 'items', changes: [{ id: 'a', record: { ...item('a', 'old'), version: 1 } }], cursor: null, hasMore: false, at: 0 }))
    expect(c.record('a')).toMatchObject({ title: 'new', version: 2 })
  })

  it('starts again from the beginning when the server no longer knows the cursor (410), and says so meanwhile', async () => {
    backend.seed('items', [item('a'), item('a2'), item('a3')])
    const c = client()
    c.network.setOnline(true)
    await vi.waitFor(() => expect(c.view()).toHaveLength(3))
    await vi.waitFor(() => expect(c.pull().active).toBe(false))
    // The server's history is reset and shorter: the client's cursor is now ahead of it.
    backend.reset()
    backend.seed('items', [item('b')])
    const before = backend.requests.length
    c.store.dispatch(c.sync.actions.pullNow())
    await vi.waitFor(() => expect(c.record('b')).toBeTruthy())
    expect(backend.requests.slice(before).map((request) => [request.path.replace(/since=\d+/, 'since=N'), request.status])).toEqual([
      ['/items?since=N&limit=100', 410],
      ['/items?limit=100', 200],
    ])
  })

  it('after starting again (410) drops the records the server deleted meanwhile, and keeps those it has and those not yet sent', async () => {
    backend.seed('items', [item('a'), item('a2'), item('a3')])
    const c = client()
    c.network.setOnline(true)
    await vi.waitFor(() => expect(c.view()).toHaveLength(3))
    await vi.waitFor(() => expect(c.pull().active).toBe(false))
    // The server's history is reset: a2 and a3 are gone with their tombstones; a is there, b is new.
    backend.reset()
    backend.seed('items', [item('a', 'a, still there'), item('b')])
    // Made here while the server cannot take it (every write fails for now): it must survive the sweep.
    backend.failNext(1000, 503, { methods: ['POST'] })
    c.store.dispatch(c.items.actions.added(item('mine')))
    c.store.dispatch(c.sync.actions.pullNow())
    await vi.waitFor(() => expect(c.record('b')).toBeTruthy())
    await vi.waitFor(() => expect(c.pull().active).toBe(false))
    expect(c.view().map((record) => record.id).sort()).toEqual(['a', 'b', 'mine'])
    expect(c.record('a')?.title).toBe('a, still there')
    expect(c.status().pending).toBe(1)
  })

  it('shows a failing pull in the status', async () => {
    backend.failNext(1000, 503, { methods: ['GET'] })
    const c = client()
    c.network.setOnline(true)
    await vi.waitFor(() => expect(c.pull().entities.items?.status).toBe('error'))
    expect(c.status().lastError).toMatchObject({ status: 503 })
    expect(c.pull().entities.items).toMatchObject({ error: { status: 503 }, nextAttemptAt: expect.any(Number) })
  })

  it('passes selective-sync parameters to the backend', async () => {
    backend.seed('items', [item('a', 'A', { quantity: 1 }), { ...item('b', 'B'), listId: '7' } as Item, { ...item('c', 'C'), listId: '8' } as Item])
    const c = client({ params: { listId: '7' } })
    c.network.setOnline(true)
    await vi.waitFor(() => expect(c.pull().pages).toBeGreaterThan(0))
    await vi.waitFor(() => expect(c.view().map((record) => record.id)).toEqual(['b']))
    expect(pulls()[0]).toBe('/items?listId=7&limit=100')
  })

  it('pulls every pullIntervalMs', async () => {
    backend.seed('items', [item('a')])
    const c = client({ pullIntervalMs: 20 })
    c.network.setOnline(true)
    await vi.waitFor(() => expect(c.view()).toHaveLength(1))
    backend.seed('items', [item('b')])
    await vi.waitFor(() => expect(c.view()).toHaveLength(2))
  })
})

describe('several clients on one backend', () => {
  it.each([
    ['server-wins', 'server-wins'],
    ['client-wins', 'client-wins'],
    ['lastWriteWins()', lastWriteWins<Item>()],
    ['mergeFields (server-wins for fields both changed)', mergeFields<Item>({ fallback: 'server-wins' })],
  ] as const)(
    'converge to the same state under %s',
    async (_, strategy) => {
      backend.seed('items', [item('a', 'A'), item('b', 'B'), item('c', 'C')])
      const clients = [client({ conflict: strategy }), client({ conflict: strategy }), client({ conflict: strategy })]
      for (const c of clients) c.network.setOnline(true)
      await vi.waitFor(() => clients.forEach((c) => expect(c.view()).toHaveLength(3)))
      for (const c of clients) c.network.setOnline(false)
      // Concurrent edits: different fields of one record, the same field of another, a delete.
      clients[0]!.store.dispatch(clients[0]!.items.actions.updated({ id: 'a', changes: { title: 'A by 0' } }))
      clients[1]!.store.dispatch(clients[1]!.items.actions.updated({ id: 'a', changes: { done: true } }))
      clients[1]!.store.dispatch(clients[1]!.items.actions.updated({ id: 'b', changes: { title: 'B by 1' } }))
      clients[2]!.store.dispatch(clients[2]!.items.actions.updated({ id: 'b', changes: { title: 'B by 2' } }))
      clients[2]!.store.dispatch(clients[2]!.items.actions.added(item('d', 'D by 2')))
      for (const c of clients) {
        c.network.setOnline(true)
        await vi.waitFor(() => expect(c.status()).toMatchObject({ pending: 0, inflight: 0 }))
      }
      // Then everyone pulls what the others did.
      for (const c of clients) {
        c.store.dispatch(c.sync.actions.pullNow())
        await vi.waitFor(() => expect(c.pull().active).toBe(false))
      }
      const server = backend.records('items')
      for (const c of clients) await vi.waitFor(() => expect(c.view()).toEqual(server))
      expect(server.map((record) => record.id)).toEqual(['a', 'b', 'c', 'd'])
    },
  )
})
