import { HttpResponse, http } from 'msw'
import { afterEach, describe, expect, it } from 'vitest'
import { createRestAdapter, SyncAdapterError, SyncHttpError, type PullPage } from '../../src'
import { useMswServer } from '../support/mswServer'

const baseUrl = 'http://127.0.0.1:4060/api'
const seen: string[] = []
const server = useMswServer()
afterEach(() => {
  seen.length = 0
})

const page: PullPage = { changes: [{ id: 'a', record: { id: 'a', title: 'A', version: 3 } }, { id: 'b', record: null }], cursor: '42', hasMore: true }
const signal = new AbortController().signal

describe('the REST adapter pull', () => {
  it('asks GET {baseUrl}/{entity} with since, limit and the selective-sync params, with the headers option', async () => {
    server.use(
      http.get(`${baseUrl}/todos`, ({ request }) => {
        seen.push(`${new URL(request.url).search} ${request.headers.get('authorization')}`)
        return HttpResponse.json(page)
      }),
    )
    const adapter = createRestAdapter({ baseUrl, headers: (operation) => ({ Authorization: operation === null ? 'Bearer pull' : 'Bearer push' }) })
    expect(await adapter.pull!({ entity: 'todos', cursor: null, limit: 50, params: { listId: '7' }, signal })).toEqual(page)
    await adapter.pull!({ entity: 'todos', cursor: '42', limit: 50, params: {}, signal })
    expect(seen).toEqual(['?listId=7&limit=50 Bearer pull', '?since=42&limit=50 Bearer pull'])
  })

  it('reads other response shapes with parsePull and other URLs with routes.pull', async () => {
    server.use(http.get(`${baseUrl}/v2/sync/todos`, () => HttpResponse.json({ data: page.changes, next: 'n1', more: false })))
    const adapter = createRestAdapter({
      baseUrl,
      routes: { pull: ({ entity, cursor }, { baseUrl: base }) => ({ method: 'GET', url: `${base}/v2/sync/${entity}${cursor ? `?after=${cursor}` : ''}` }) },
      parsePull: (body) => {
        const { data, next, more } = body as { data: PullPage['changes']; next: string; more: boolean }
        return { changes: data, cursor: next, hasMore: more }
      },
    })
    expect(await adapter.pull!({ entity: 'todos', cursor: null, limit: 10, params: {}, signal })).toEqual({ ...page, cursor: 'n1', hasMore: false })
  })

  it('throws on an HTTP error, a network failure and a body of the wrong shape, so the engine retries', async () => {
    const adapter = createRestAdapter({ baseUrl })
    server.use(http.get(`${baseUrl}/todos`, () => HttpResponse.json({ message: 'maintenance' }, { status: 503 }), { once: true }))
    await expect(adapter.pull!({ entity: 'todos', cursor: null, limit: 10, params: {}, signal })).rejects.toThrow(SyncHttpError)
    server.use(http.get(`${baseUrl}/todos`, () => HttpResponse.error(), { once: true }))
    await expect(adapter.pull!({ entity: 'todos', cursor: null, limit: 10, params: {}, signal })).rejects.toMatchObject({ code: 'network-error' })
    server.use(http.get(`${baseUrl}/todos`, () => HttpResponse.json([{ id: 'a' }]), { once: true }))
    await expect(adapter.pull!({ entity: 'todos', cursor: null, limit: 10, params: {}, signal })).rejects.toThrow(SyncAdapterError)
  })
})

describe('versionInBody', () => {
  it('adds the base version to update bodies under the given field, besides If-Match', async () => {
    const bodies: unknown[] = []
    server.use(
      http.patch(`${baseUrl}/todos/a`, async ({ request }) => {
        bodies.push([await request.json(), request.headers.get('if-match')])
        return HttpResponse.json({ id: 'a', version: 4 })
      }),
    )
    const adapter = createRestAdapter({ baseUrl, versionInBody: 'expectedVersion' })
    await adapter.push(
      [{ id: 'op', entity: 'todos', recordId: 'a', kind: 'update', data: { title: 'x' }, baseVersion: 3, attempts: 0, enqueuedAt: 0, userId: null }],
      { signal },
    )
    expect(bodies).toEqual([[{ title: 'x', expectedVersion: 3 }, '"3"']])
  })
})
