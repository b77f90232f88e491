import { HttpResponse, http } from 'msw'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createRestAdapter } from '../../src/adapters/rest'
import type { RestAdapterOptions } from '../../src/adapters/rest'
import type { OutgoingOperation, SyncAdapter, SyncOutcome } from '../../src/adapters/types'
import { SyncSetupError, SyncTimeoutError } from '../../src/core/errors'
import type { Version } from '../../src/types'
import { createRestBackend } from '../support/restBackend'
import { useMswServer } from '../support/mswServer'

const baseUrl = 'http://127.0.0.1:4000/api'
const backend = createRestBackend({ baseUrl })
const server = useMswServer(...backend.handlers)

afterEach(() => {
  backend.reset()
  vi.unstubAllGlobals()
})

type Todo = Record<string, unknown> & { id: string }

function createOp(record: Todo, extra: Partial<OutgoingOperation> = {}): OutgoingOperation {
  return { id: `create-${record.id}`, entity: 'todos', recordId: record.id, kind: 'create', data: record, baseVersion: null, attempts: 0, enqueuedAt: 0, userId: null, ...extra }
}

function updateOp(recordId: string, changes: Record<string, unknown>, baseVersion: Version | null, extra: Partial<OutgoingOperation> = {}): OutgoingOperation {
  return { id: `update-${recordId}`, entity: 'todos', recordId, kind: 'update', data: changes, baseVersion, attempts: 0, enqueuedAt: 0, userId: null, ...extra }
}

function deleteOp(recordId: string, baseVersion: Version | null, extra: Partial<OutgoingOperation> = {}): OutgoingOperation {
  return { id: `delete-${recordId}`, entity: 'todos', recordId, kind: 'delete', data: null, baseVersion, attempts: 0, enqueuedAt: 0, userId: null, ...extra }
}

function adapterWith(options: Partial<RestAdapterOptions> = {}): SyncAdapter {
  return createRestAdapter({ baseUrl, ...options })
}

function push(adapter: SyncAdapter, operations: OutgoingOperation[], signal = new AbortController().signal): Promise<SyncOutcome[]> {
  return adapter.push(operations, { signal })
}

/** Answers every request to `url` with `respond` and records what came in. */
function answer(method: 'get' | 'post' | 'patch' | 'delete', url: string, respond: () => Response) {
  const seen: Request[] = []
  server.use(
    http[method](url, ({ request }) => {
      seen.push(request)
      return respond()
    }),
  )
  return seen
}

function httpError(status: number, message: string) {
  return { name: 'SyncHttpError', code: 'http-error', status, message }
}

describe('createRestAdapter', () => {
  describe('options', () => {
    it('throws a SyncSetupError saying what to pass when baseUrl is missing', () => {
      // @ts-expect-error baseUrl is required
      expect(() => createRestAdapter({})).toThrow(
        expect.objectContaining({
          code: 'setup',
          message: "rtk-offline: createRestAdapter needs a `baseUrl` string, e.g. createRestAdapter({ baseUrl: 'https://api.example.com/v1' }).",
        }),
      )
      // @ts-expect-error options are required
      expect(() => createRestAdapter()).toThrow(SyncSetupError)
    })

    it('throws a SyncSetupError when baseUrl is not a string', () => {
      // @ts-expect-error baseUrl must be a string
      expect(() => createRestAdapter({ baseUrl: new URL(baseUrl) })).toThrow(/needs a `baseUrl` string/)
    })

    it('throws a SyncSetupError when a function option is not a function', () => {
      // @ts-expect-error fetch must be a function
      expect(() => createRestAdapter({ baseUrl, fetch: 'fetch' })).toThrow(
        new SyncSetupError("createRestAdapter's `fetch` option must be a function; leave it out to use the default."),
      )
      // @ts-expect-error routes are functions
      expect(() => createRestAdapter({ baseUrl, routes: { update: '/todos' } })).toThrow(/`routes.update` option must be a function/)
    })
  })

  describe('requests', () => {
    it('sends a create as POST {baseUrl}/{entity} with the whole record, the op id as Idempotency-Key and no If-Match', async () => {
      await push(adapterWith(), [createOp({ id: '1', title: 'Buy milk', done: false })])

      expect(backend.requests).toHaveLength(1)
      expect(backend.requests[0]).toMatchObject({
        method: 'POST',
        url: `${baseUrl}/todos`,
        idempotencyKey: 'create-1',
        ifMatch: null,
        body: { id: '1', title: 'Buy milk', done: false },
      })
      expect(backend.requests[0]?.headers).toMatchObject({ accept: 'application/json', 'content-type': 'application/json' })
    })

    it('sends an update as PATCH {baseUrl}/{entity}/{id} with only the changed fields and the quoted base version', async () => {
      backend.seed('todos', [{ id: '1', title: 'Buy milk', done: false, version: 3 }])

      await push(adapterWith(), [updateOp('1', { done: true }, 3)])

      expect(backend.requests[0]).toMatchObject({
        method: 'PATCH',
        url: `${baseUrl}/todos/1`,
        idempotencyKey: 'update-1',
        ifMatch: '"3"',
        body: { done: true },
      })
    })

    it('sends a delete as DELETE {baseUrl}/{entity}/{id} without a body or Content-Type', async () => {
      backend.seed('todos', [{ id: '1', title: 'Buy milk', version: 2 }])

      await push(adapterWith(), [deleteOp('1', 2)])

      expect(backend.requests[0]).toMatchObject({ method: 'DELETE', url: `${baseUrl}/todos/1`, ifMatch: '"2"', body: undefined })
      expect(backend.requests[0]?.headers).not.toHaveProperty('content-type')
      expect(backend.requests[0]?.headers).toMatchObject({ accept: 'application/json', 'idempotency-key': 'delete-1' })
    })

    it('ignores trailing slashes on baseUrl and URL-encodes record ids', async () => {
      const seen = answer('delete', `${baseUrl}/todos/:id`, () => new HttpResponse(null, { status: 204 }))

      await push(createRestAdapter({ baseUrl: `${baseUrl}//` }), [deleteOp('a b/c?', null)])

      expect(seen.map((request) => request.url)).toEqual([`${baseUrl}/todos/a%20b%2Fc%3F`])
    })

    it('sends a base version that already is an entity tag as it is, and quotes any other string', async () => {
      const seen = answer('patch', `${baseUrl}/todos/:id`, () => new HttpResponse(null, { status: 204 }))

      await push(adapterWith(), [
        updateOp('1', { done: true }, 'W/"abc"'),
        updateOp('2', { done: true }, '"xyz"'),
        updateOp('3', { done: true }, '2024-05-01T10:00:00Z'),
        updateOp('4', { done: true }, null),
      ])

      expect(seen.map((request) => request.headers.get('If-Match'))).toEqual(['W/"abc"', '"xyz"', '"2024-05-01T10:00:00Z"', null])
    })

    it('adds the headers option to every request', async () => {
      await push(adapterWith({ headers: { Authorization: 'Bearer static', 'X-Skipped': undefined } }), [createOp({ id: '1' })])

      expect(backend.requests[0]?.headers).toMatchObject({ authorization: 'Bearer static' })
      expect(backend.requests[0]?.headers).not.toHaveProperty('x-skipped')
    })

    it('calls an async headers function before each request, so every request carries the current token', async () => {
      const tokens = ['first', 'second']
      const headers = vi.fn(async () => ({ Authorization: `Bearer ${tokens.shift() ?? 'none'}` }))
      const adapter = adapterWith({ headers })

      await push(adapter, [createOp({ id: '1' })])
      await push(adapter, [createOp({ id: '2' })])

      expect(backend.requests.map((request) => request.headers.authorization)).toEqual(['Bearer first', 'Bearer second'])
      expect(headers.mock.calls).toEqual([[createOp({ id: '1' })], [createOp({ id: '2' })]])
    })

    it('lets the headers option, then a route, override the default headers', async () => {
      const adapter = adapterWith({
        headers: { Accept: 'application/vnd.api+json', 'X-Client': 'app' },
        routes: {
          create: (op, { baseUrl: base }) => ({
            method: 'POST',
            url: `${base}/${op.entity}`,
            body: op.data,
            headers: { 'X-Client': 'route' },
          }),
        },
      })

      await push(adapter, [createOp({ id: '1' })])

      expect(backend.requests[0]?.headers).toMatchObject({ accept: 'application/vnd.api+json', 'x-client': 'route' })
    })

    it('sends an operation where its route says, and keeps the defaults for the kinds not overridden', async () => {
      const seen = answer('post', `${baseUrl}/v2/tasks/:id/replace`, () => HttpResponse.json({ id: '1', title: 'Walk', version: 4 }))
      backend.seed('todos', [{ id: '2', version: 1 }])
      const adapter = adapterWith({
        routes: {
          update: (op, { baseUrl: base }) => ({
            method: 'POST',
            url: `${base}/v2/tasks/${String(op.recordId)}/replace`,
            body: { patch: op.data },
          }),
        },
      })

      const outcomes = await push(adapter, [updateOp('1', { title: 'Walk' }, 3), deleteOp('2', 1)])

      expect(outcomes).toStrictEqual([{ type: 'ok', record: { id: '1', title: 'Walk', version: 4 } }, { type: 'ok' }])
      expect(await seen[0]?.json()).toEqual({ patch: { title: 'Walk' } })
      expect(seen[0]?.headers.get('If-Match')).toBe('"3"')
      expect(backend.requests.map((request) => `${request.method} ${request.path}`)).toEqual(['DELETE /todos/2'])
    })

    it('sends every operation at once and returns the outcomes in the order of the operations', async () => {
      // The first answer waits for the second request: sent one after the other, this would never finish.
      let releaseFirst = () => {}
      const secondArrived = new Promise<void>((resolve) => (releaseFirst = resolve))
      const order: string[] = []
      server.use(
        http.patch(`${baseUrl}/todos/1`, async () => {
          await secondArrived
          order.push('answer 1')
          return HttpResponse.json({ id: '1', version: 2 })
        }),
        http.patch(`${baseUrl}/todos/2`, () => {
          order.push('answer 2')
          releaseFirst()
          return HttpResponse.json({ id: '2', version: 5 })
        }),
      )

      const outcomes = await push(adapterWith(), [updateOp('1', { done: true }, 1), updateOp('2', { done: true }, 4)])

      expect(order).toEqual(['answer 2', 'answer 1'])
      expect(outcomes).toStrictEqual([
        { type: 'ok', record: { id: '1', version: 2 } },
        { type: 'ok', record: { id: '2', version: 5 } },
      ])
    })

    it('resolves to no outcomes for no operations', async () => {
      expect(await push(adapterWith(), [])).toEqual([])
    })

    it('calls the fetch option with the URL and init, passing the signal on', async () => {
      const fetch = vi.fn(async () => new Response(null, { status: 204 }))
      const controller = new AbortController()

      await push(adapterWith({ fetch }), [deleteOp('1', 2)], controller.signal)

      expect(fetch).toHaveBeenCalledTimes(1)
      expect(fetch).toHaveBeenCalledWith(`${baseUrl}/todos/1`, {
        method: 'DELETE',
        headers: new Headers({ Accept: 'application/json', 'Idempotency-Key': 'delete-1', 'If-Match': '"2"' }),
        signal: controller.signal,
      })
    })

    it('uses the global fetch of the moment a request is sent, not of the moment the adapter was made', async () => {
      const adapter = adapterWith()
      const replacement = vi.fn(async () => new Response(null, { status: 204 }))
      vi.stubGlobal('fetch', replacement)

      await push(adapter, [deleteOp('1', 2)])

      expect(replacement).toHaveBeenCalledTimes(1)
      expect(backend.requests).toEqual([])
    })
  })

  describe('successful answers', () => {
    it('is ok with the server record when a 2xx body is a JSON object', async () => {
      backend.seed('todos', [{ id: '2', title: 'Old', version: 1 }])

      const outcomes = await push(adapterWith(), [createOp({ id: '1', title: 'New' }), updateOp('2', { title: 'Newer' }, 1)])

      expect(outcomes).toStrictEqual([
        { type: 'ok', record: { id: '1', title: 'New', version: 1 } },
        { type: 'ok', record: { id: '2', title: 'Newer', version: 2 } },
      ])
    })

    it('is ok without a record for a 204', async () => {
      backend.seed('todos', [{ id: '1', version: 1 }])

      expect(await push(adapterWith(), [deleteOp('1', 1)])).toStrictEqual([{ type: 'ok' }])
      expect(backend.records('todos')).toEqual([])
    })

    it('is ok without a record when a 2xx body is empty', async () => {
      answer('patch', `${baseUrl}/todos/1`, () => new HttpResponse(null, { status: 200 }))

      expect(await push(adapterWith(), [updateOp('1', { done: true }, 1)])).toStrictEqual([{ type: 'ok' }])
    })

    it.each([
      ['an HTML page', () => HttpResponse.html('<html><body>Saved!</body></html>')],
      ['malformed JSON', () => new HttpResponse('{"id": "1", ', { headers: { 'Content-Type': 'application/json' } })],
      ['a JSON array', () => HttpResponse.json([{ id: '1' }])],
    ])('is an invalid-response retry when a 2xx body is %s: the backend may never have seen it', async (_name, respond) => {
      answer('patch', `${baseUrl}/todos/1`, respond)

      expect(await push(adapterWith(), [updateOp('1', { done: true }, 1)])).toStrictEqual([
        {
          type: 'retry',
          error: expect.objectContaining({ name: 'SyncInvalidResponseError', code: 'invalid-response', status: 200 }),
        },
      ])
    })

    it('takes the record out of a wrapped body with parseRecord, which gets the operation', async () => {
      answer('post', `${baseUrl}/todos`, () => HttpResponse.json({ data: { id: '1', version: 1 } }, { status: 201 }))
      const parseRecord = vi.fn((body: unknown) => (body as { data?: Record<string, unknown> }).data)
      const op = createOp({ id: '1' })

      const outcomes = await push(adapterWith({ parseRecord }), [op])

      expect(outcomes).toStrictEqual([{ type: 'ok', record: { id: '1', version: 1 } }])
      expect(parseRecord).toHaveBeenCalledWith({ data: { id: '1', version: 1 } }, op)
    })

    it('is ok without a record when parseRecord finds none', async () => {
      answer('post', `${baseUrl}/todos`, () => HttpResponse.json({ status: 'queued' }, { status: 202 }))

      const outcomes = await push(adapterWith({ parseRecord: () => null }), [createOp({ id: '1' })])

      expect(outcomes).toStrictEqual([{ type: 'ok' }])
    })
  })

  describe('a record that is not there (404)', () => {
    it('is ok for a delete: it is already done', async () => {
      expect(await push(adapterWith(), [deleteOp('1', 1)])).toStrictEqual([{ type: 'ok' }])
    })

    it('is a conflict with null for an update: the record is gone remotely', async () => {
      expect(await push(adapterWith(), [updateOp('1', { done: true }, 1)])).toStrictEqual([{ type: 'conflict', remote: null }])
    })

    it('is a rejection for a create', async () => {
      answer('post', `${baseUrl}/todos`, () => HttpResponse.json({ error: 'No such collection' }, { status: 404 }))

      expect(await push(adapterWith(), [createOp({ id: '1' })])).toStrictEqual([
        { type: 'reject', error: httpError(404, 'POST /todos failed with 404: No such collection') },
      ])
    })

    it('treats 410 Gone like 404', async () => {
      answer('patch', `${baseUrl}/todos/1`, () => new HttpResponse(null, { status: 410 }))
      answer('delete', `${baseUrl}/todos/2`, () => new HttpResponse(null, { status: 410 }))

      expect(await push(adapterWith(), [updateOp('1', { done: true }, 1), deleteOp('2', 1)])).toStrictEqual([
        { type: 'conflict', remote: null },
        { type: 'ok' },
      ])
    })
  })

  describe('conflicts (409, 412)', () => {
    it('is a conflict with the record from a 412 body when the base version is stale', async () => {
      backend.seed('todos', [{ id: '1', title: 'Theirs', version: 3 }])

      const outcomes = await push(adapterWith(), [updateOp('1', { title: 'Mine' }, 2)])

      expect(outcomes).toStrictEqual([{ type: 'conflict', remote: { id: '1', title: 'Theirs', version: 3 } }])
      expect(backend.requests.map((request) => request.method)).toEqual(['PATCH'])
    })

    it('is a conflict with the record from a 409 body when a create finds the id taken', async () => {
      backend.seed('todos', [{ id: '1', title: 'Theirs', version: 1 }])

      const outcomes = await push(adapterWith(), [createOp({ id: '1', title: 'Mine' })])

      expect(outcomes).toStrictEqual([{ type: 'conflict', remote: { id: '1', title: 'Theirs', version: 1 } }])
    })

    it('reads the record with GET when the conflict body does not hold it', async () => {
      backend.seed('todos', [{ id: '1', title: 'Theirs', version: 3 }])
      answer('patch', `${baseUrl}/todos/1`, () => new HttpResponse('Precondition Failed', { status: 412 }))

      const outcomes = await push(adapterWith({ headers: { Authorization: 'Bearer t' } }), [updateOp('1', { title: 'Mine' }, 2)])

      expect(outcomes).toStrictEqual([{ type: 'conflict', remote: { id: '1', title: 'Theirs', version: 3 } }])
      expect(backend.requests).toMatchObject([
        { method: 'GET', url: `${baseUrl}/todos/1`, idempotencyKey: null, ifMatch: null, body: undefined },
      ])
      expect(backend.requests[0]?.headers).toMatchObject({ accept: 'application/json', authorization: 'Bearer t' })
    })

    it('reads the record with GET when parseRecord finds none in the conflict body, using the read route', async () => {
      answer('patch', `${baseUrl}/todos/1`, () => HttpResponse.json({ error: 'version mismatch' }, { status: 409 }))
      answer('get', `${baseUrl}/v2/todos/1`, () => HttpResponse.json({ data: { id: '1', version: 7 } }))
      const adapter = adapterWith({
        parseRecord: (body) => (body as { data?: Record<string, unknown> }).data,
        routes: { read: (op, { baseUrl: base }) => ({ method: 'GET', url: `${base}/v2/todos/${String(op.recordId)}` }) },
      })

      expect(await push(adapter, [updateOp('1', { done: true }, 6)])).toStrictEqual([
        { type: 'conflict', remote: { id: '1', version: 7 } },
      ])
    })

    it('is a conflict with null when the GET finds the record gone', async () => {
      answer('delete', `${baseUrl}/todos/1`, () => new HttpResponse(null, { status: 412 }))

      expect(await push(adapterWith(), [deleteOp('1', 2)])).toStrictEqual([{ type: 'conflict', remote: null }])
    })

    it('is a retry, honouring Retry-After, when the GET fails with an HTTP error', async () => {
      answer('patch', `${baseUrl}/todos/1`, () => new HttpResponse(null, { status: 412 }))
      backend.failNext(1, 503, { retryAfter: '7', body: { message: 'down for maintenance' } })

      expect(await push(adapterWith(), [updateOp('1', { done: true }, 2)])).toStrictEqual([
        {
          type: 'retry',
          error: httpError(
            503,
            'PATCH /todos/1 conflicted with 412, and reading the current record with GET /todos/1 failed with 503: down for maintenance',
          ),
          retryAfterMs: 7_000,
        },
      ])
    })

    it('is a retry when the GET cannot reach the backend', async () => {
      answer('patch', `${baseUrl}/todos/1`, () => new HttpResponse(null, { status: 412 }))
      backend.failNext(1, 'network')

      const [outcome] = await push(adapterWith(), [updateOp('1', { done: true }, 2)])

      expect(outcome).toMatchObject({ type: 'retry', error: { name: 'SyncNetworkError', code: 'network-error' } })
      expect(outcome).toHaveProperty('error.message', expect.stringMatching(/^GET \/todos\/1 could not reach the backend/))
    })

    it('is a retry when the GET answers without a record', async () => {
      answer('patch', `${baseUrl}/todos/1`, () => new HttpResponse(null, { status: 409 }))
      answer('get', `${baseUrl}/todos/1`, () => HttpResponse.html('<p>ok</p>'))

      expect(await push(adapterWith(), [updateOp('1', { done: true }, 2)])).toStrictEqual([
        {
          type: 'retry',
          error: {
            name: 'SyncInvalidResponseError',
            code: 'invalid-response',
            status: 200,
            message:
              "PATCH /todos/1 conflicted with 409, and reading the current record with GET /todos/1 returned a body that is not JSON (text/html). Check the adapter's `routes.read` and `parseRecord` options; the operation will be retried.",
          },
        },
      ])
    })
  })

  describe('transient failures', () => {
    it.each([408, 425, 429, 500, 502, 503, 504])('is a retry for %i', async (status) => {
      answer('patch', `${baseUrl}/todos/1`, () => HttpResponse.json({ message: 'try later' }, { status }))

      expect(await push(adapterWith(), [updateOp('1', { done: true }, 1)])).toStrictEqual([
        { type: 'retry', error: httpError(status, `PATCH /todos/1 failed with ${status}: try later`) },
      ])
    })

    it('honours a Retry-After in seconds', async () => {
      backend.failNext(1, 429, { retryAfter: '120', body: { error: 'Too many requests, slow down' } })

      expect(await push(adapterWith(), [createOp({ id: '1' })])).toStrictEqual([
        { type: 'retry', error: httpError(429, 'POST /todos failed with 429: Too many requests, slow down'), retryAfterMs: 120_000 },
      ])
    })

    it('honours a Retry-After HTTP date, measured from the now option', async () => {
      backend.failNext(1, 503, { retryAfter: 'Wed, 21 Oct 2015 07:28:30 GMT' })
      const now = () => Date.parse('2015-10-21T07:28:00Z')

      const [outcome] = await push(adapterWith({ now }), [createOp({ id: '1' })])

      expect(outcome).toMatchObject({ type: 'retry', retryAfterMs: 30_000 })
    })

    it('leaves retryAfterMs out when Retry-After cannot be read', async () => {
      backend.failNext(1, 503, { retryAfter: 'later' })

      const [outcome] = await push(adapterWith(), [createOp({ id: '1' })])

      expect(outcome).not.toHaveProperty('retryAfterMs')
    })

    it('is a retry with a SyncNetworkError when the request cannot reach the backend', async () => {
      backend.failNext(1, 'network')

      expect(await push(adapterWith(), [createOp({ id: '1' })])).toStrictEqual([
        {
          type: 'retry',
          error: {
            name: 'SyncNetworkError',
            code: 'network-error',
            message:
              "POST /todos could not reach the backend (Failed to fetch); the operation will be retried. If this persists, check the network and the adapter's baseUrl.",
          },
        },
      ])
    })

    it('is a retry with the abort reason when the engine aborts with a SyncError, such as a timeout', async () => {
      const controller = new AbortController()
      server.use(
        http.patch(`${baseUrl}/todos/1`, async () => {
          controller.abort(new SyncTimeoutError(5_000))
          return new Promise<Response>(() => {})
        }),
      )

      expect(await push(adapterWith(), [updateOp('1', { done: true }, 1)], controller.signal)).toStrictEqual([
        { type: 'retry', error: new SyncTimeoutError(5_000).toInfo() },
      ])
    })

    it('is a retry with a SyncNetworkError when the signal aborts for another reason', async () => {
      const controller = new AbortController()
      controller.abort()

      expect(await push(adapterWith(), [deleteOp('1', 1)], controller.signal)).toStrictEqual([
        {
          type: 'retry',
          error: {
            name: 'SyncNetworkError',
            code: 'network-error',
            message: 'DELETE /todos/1 was aborted before the backend answered; the operation will be retried.',
          },
        },
      ])
      expect(backend.requests).toEqual([])
    })
  })

  describe('credentials (401, 403)', () => {
    it.each([401, 403])('is auth for %i', async (status) => {
      answer('post', `${baseUrl}/todos`, () => HttpResponse.json({ title: 'Token expired' }, { status }))

      expect(await push(adapterWith(), [createOp({ id: '1' })])).toStrictEqual([
        { type: 'auth', error: httpError(status, `POST /todos failed with ${status}: Token expired`) },
      ])
    })
  })

  describe('permanent failures (other 4xx)', () => {
    it.each([400, 405, 413, 422])('is a rejection for %i', async (status) => {
      answer('patch', `${baseUrl}/todos/1`, () => HttpResponse.json({ message: 'title is required' }, { status }))

      expect(await push(adapterWith(), [updateOp('1', { title: '' }, 1)])).toStrictEqual([
        { type: 'reject', error: httpError(status, `PATCH /todos/1 failed with ${status}: title is required`) },
      ])
    })

    it.each([
      ['message', { message: 'title is required' }],
      ['error', { error: 'title is required' }],
      ['error.message', { error: { code: 'E1', message: 'title is required' } }],
      ['detail before title (RFC 9457)', { title: 'Unprocessable Entity', detail: 'title is required' }],
      ['title', { title: 'title is required' }],
      ['a JSON string', 'title is required'],
    ])('takes the reason from %s of a JSON body', async (_field, body) => {
      answer('patch', `${baseUrl}/todos/1`, () => HttpResponse.json(body, { status: 422 }))

      expect(await push(adapterWith(), [updateOp('1', { title: '' }, 1)])).toStrictEqual([
        { type: 'reject', error: httpError(422, 'PATCH /todos/1 failed with 422: title is required') },
      ])
    })

    it('takes the reason from a plain-text body, on one line, cut at 200 characters', async () => {
      answer('patch', `${baseUrl}/todos/1`, () => HttpResponse.text(`  bad\n  input: ${'x'.repeat(300)}  `, { status: 400 }))

      const [outcome] = await push(adapterWith(), [updateOp('1', { title: '' }, 1)])

      const reason = `bad input: ${'x'.repeat(300)}`.slice(0, 199) + '…'
      expect(outcome).toStrictEqual({ type: 'reject', error: httpError(400, `PATCH /todos/1 failed with 400: ${reason}`) })
    })

    it.each([
      ['an HTML page', () => HttpResponse.html('<html><h1>Bad Request</h1></html>', { status: 400 })],
      ['malformed JSON', () => new HttpResponse('{"message": ', { status: 400, headers: { 'Content-Type': 'application/json' } })],
      ['an empty body', () => new HttpResponse(null, { status: 400 })],
      ['JSON without a reason', () => HttpResponse.json({ code: 17 }, { status: 400 })],
    ])('falls back to the status line when the body is %s', async (_name, respond) => {
      answer('patch', `${baseUrl}/todos/1`, respond)

      expect(await push(adapterWith(), [updateOp('1', { title: '' }, 1)])).toStrictEqual([
        { type: 'reject', error: httpError(400, 'PATCH /todos/1 failed with HTTP 400 Bad Request') },
      ])
    })

    it('shows the whole URL when a route sends outside baseUrl', async () => {
      answer('post', 'http://legacy.test/create-todo', () => new HttpResponse(null, { status: 400 }))
      const adapter = adapterWith({
        routes: { create: (op) => ({ method: 'post', url: 'http://legacy.test/create-todo', body: op.data }) },
      })

      expect(await push(adapter, [createOp({ id: '1' })])).toStrictEqual([
        { type: 'reject', error: httpError(400, 'POST http://legacy.test/create-todo failed with HTTP 400 Bad Request') },
      ])
    })

    it('says only the status when the response has no status text, as over HTTP/2', async () => {
      const fetch = async () => new Response(null, { status: 400 })

      expect(await push(adapterWith({ fetch }), [deleteOp('1', 1)])).toStrictEqual([
        { type: 'reject', error: httpError(400, 'DELETE /todos/1 failed with HTTP 400') },
      ])
    })
  })

  describe('failures in the options it was given', () => {
    it('is a retry, never a throw, when the headers function fails', async () => {
      const adapter = adapterWith({
        headers: async () => {
          throw new Error('token store is locked')
        },
      })

      expect(await push(adapter, [createOp({ id: '1' })])).toStrictEqual([
        {
          type: 'retry',
          error: {
            name: 'SyncAdapterError',
            code: 'adapter-failed',
            message:
              "The REST adapter failed while sending POST /todos: token store is locked. Check the adapter's `routes`, `headers` and `parseRecord` options.",
          },
        },
      ])
      expect(backend.requests).toEqual([])
    })

    it('is a retry for that operation only when its route throws', async () => {
      const adapter = adapterWith({
        routes: {
          delete: () => {
            throw new Error('no route for deletes')
          },
        },
      })

      const outcomes = await push(adapter, [deleteOp('1', 1), createOp({ id: '2' })])

      expect(outcomes).toStrictEqual([
        {
          type: 'retry',
          error: {
            name: 'SyncAdapterError',
            code: 'adapter-failed',
            message:
              "The REST adapter failed while sending the delete of todos 1: no route for deletes. Check the adapter's `routes`, `headers` and `parseRecord` options.",
          },
        },
        { type: 'ok', record: { id: '2', version: 1 } },
      ])
    })
  })

  it('maps a mixed batch to one outcome per operation, in order', async () => {
    backend.seed('todos', [
      { id: 'stale', title: 'Theirs', version: 5 },
      { id: 'fine', title: 'Old', version: 1 },
    ])
    answer('post', `${baseUrl}/todos`, () => HttpResponse.json({ message: 'title is required' }, { status: 422 }))

    const outcomes = await push(adapterWith(), [
      updateOp('stale', { title: 'Mine' }, 4),
      createOp({ id: 'new' }),
      deleteOp('missing', 1),
      updateOp('fine', { title: 'New' }, 1),
    ])

    expect(outcomes).toStrictEqual([
      { type: 'conflict', remote: { id: 'stale', title: 'Theirs', version: 5 } },
      { type: 'reject', error: httpError(422, 'POST /todos failed with 422: title is required') },
      { type: 'ok' },
      { type: 'ok', record: { id: 'fine', title: 'New', version: 2 } },
    ])
  })
})

describe('the test REST backend', () => {
  const send = (method: string, path: string, init: { body?: unknown; headers?: Record<string, string> } = {}) =>
    fetch(`${baseUrl}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json', ...init.headers },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    })

  it('creates records at version 1, patches them with merge patch semantics and bumps the version per write', async () => {
    await send('POST', '/todos', { body: { id: '1', title: 'Buy milk', tags: { home: true, shop: true } } })
    const response = await send('PATCH', '/todos/1', { body: { title: 'Buy oat milk', tags: { shop: null }, version: 99 } })

    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ id: '1', title: 'Buy oat milk', tags: { home: true }, version: 2 })
    expect(backend.records('todos')).toEqual([{ id: '1', title: 'Buy oat milk', tags: { home: true }, version: 2 }])
    expect(await (await send('GET', '/todos/1')).json()).toEqual(backend.record('todos', '1'))
  })

  it('answers a repeated Idempotency-Key with the first answer and applies the write once', async () => {
    backend.seed('todos', [{ id: '1', count: 0 }])
    const patch = () => send('PATCH', '/todos/1', { body: { count: 1 }, headers: { 'Idempotency-Key': 'op-1' } })

    const first = await (await patch()).json()
    const second = await (await patch()).json()

    expect(first).toEqual({ id: '1', count: 1, version: 2 })
    expect(second).toEqual(first)
    expect(backend.record('todos', '1')).toEqual({ id: '1', count: 1, version: 2 })
  })

  it('answers 412 with the current record when If-Match names another version, and 404 for unknown ids', async () => {
    backend.seed('todos', [{ id: '1', title: 'Theirs', version: 3 }])

    const stale = await send('PATCH', '/todos/1', { body: { title: 'Mine' }, headers: { 'If-Match': '"2"' } })
    const current = await send('DELETE', '/todos/1', { headers: { 'If-Match': 'W/"3"' } })
    const missing = await send('PATCH', '/todos/9', { body: { title: 'Mine' } })

    expect([stale.status, current.status, missing.status]).toEqual([412, 204, 404])
    expect(await stale.json()).toEqual({ id: '1', title: 'Theirs', version: 3 })
    expect(backend.records('todos')).toEqual([])
  })

  it('answers 409 with the current record when a create finds the id taken', async () => {
    backend.seed('todos', [{ id: '1', title: 'Theirs' }])

    const response = await send('POST', '/todos', { body: { id: '1', title: 'Mine' } })

    expect(response.status).toBe(409)
    expect(await response.json()).toEqual({ id: '1', title: 'Theirs', version: 1 })
  })

  it('applies a write whose answer was dropped exactly once when it is sent again with the same key', async () => {
    backend.dropResponseAfterCommitNext(1)
    const create = () => send('POST', '/todos', { body: { id: '1' }, headers: { 'Idempotency-Key': 'op-1' } })

    await expect(create()).rejects.toThrow('Failed to fetch')
    const retried = await create()

    expect(retried.status).toBe(201)
    expect(backend.records('todos')).toEqual([{ id: '1', version: 1 }])
    expect(backend.requests.map((request) => request.status)).toEqual(['network', 201])
  })

  it('fails the next requests as told, without applying them', async () => {
    backend.failNext(2, 503, { retryAfter: '3' })

    const first = await send('POST', '/todos', { body: { id: '1' } })
    await send('POST', '/todos', { body: { id: '1' } })
    const third = await send('POST', '/todos', { body: { id: '1' } })

    expect(first.headers.get('Retry-After')).toBe('3')
    expect(await first.json()).toEqual({ message: 'Injected 503 failure' })
    expect(third.status).toBe(201)
    expect(backend.requests.map((request) => request.status)).toEqual([503, 503, 201])
  })

  it('takes remote edits and deletes, stamping updatedAt from now when given', async () => {
    const stamped = createRestBackend({ baseUrl, now: () => 1_000 })
    stamped.seed('todos', [{ id: 1, title: 'A', version: 4 }, { id: 2 }])

    expect(stamped.editRemote('todos', 1, { title: 'B' })).toEqual({ id: 1, title: 'B', version: 5, updatedAt: 1_000 })
    stamped.deleteRemote('todos', 2)
    expect(stamped.records('todos')).toEqual([{ id: 1, title: 'B', version: 5, updatedAt: 1_000 }])
    expect(() => stamped.editRemote('todos', 2, {})).toThrow('editRemote: the backend holds no todos 2; seed it first.')
  })
})
