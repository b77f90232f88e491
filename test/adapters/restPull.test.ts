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

describe('the REST adapter pull with confirmByPull', () => {
  const answeredBody = {
    ...page,
    answered: [
      { id: 'op-created', status: 201, body: { id: 'a', title: 'A', version: 1 } },
      { id: 'op-deleted', status: 204 },
      { id: 'op-stale', status: 412, body: { id: 'b', title: 'B', version: 4 } },
      { id: 'op-refused', status: 422, body: { message: 'title is required' } },
      // Left out: a 404 needs the kind of write to read, a 503 is transient, a 412 with a message is no record.
      { id: 'op-missing', status: 404, body: { message: 'gone' } },
      { id: 'op-busy', status: 503 },
      { id: 'op-412-text', status: 412, body: 'Precondition failed' },
      { status: 200 },
    ],
  }

  it('sends each id asked about as `unanswered` and reads the stored answers it can read without the operation', async () => {
    server.use(
      http.get(`${baseUrl}/todos`, ({ request }) => {
        seen.push(new URL(request.url).search)
        return HttpResponse.json(answeredBody)
      }),
    )
    const adapter = createRestAdapter({ baseUrl, confirmByPull: true })
    const result = await adapter.pull!({ entity: 'todos', cursor: '42', limit: 50, params: {}, signal, unanswered: ['op-created', 'op-b'] })
    expect(seen).toEqual(['?since=42&limit=50&unanswered=op-created&unanswered=op-b'])
    expect(result.answered).toEqual([
      { id: 'op-created', outcome: { type: 'ok', record: { id: 'a', title: 'A', version: 1 } } },
      { id: 'op-deleted', outcome: { type: 'ok' } },
      { id: 'op-stale', outcome: { type: 'conflict', remote: { id: 'b', title: 'B', version: 4 } } },
      {
        id: 'op-refused',
        outcome: {
          type: 'reject',
          error: {
            name: 'SyncHttpError',
            code: 'http-error',
            status: 422,
            message: 'The backend refused operation op-refused with 422: title is required (its stored answer, read by a pull).',
          },
        },
      },
    ])
  })

  it('without confirmByPull asks about nothing and ignores an `answered` in the body', async () => {
    server.use(
      http.get(`${baseUrl}/todos`, ({ request }) => {
        seen.push(new URL(request.url).search)
        return HttpResponse.json(answeredBody)
      }),
    )
    const adapter = createRestAdapter({ baseUrl })
    const result = await adapter.pull!({ entity: 'todos', cursor: null, limit: 50, params: {}, signal, unanswered: ['op-created'] })
    expect(seen).toEqual(['?limit=50'])
    expect(result).toEqual(page)
  })
})
