import { HttpResponse, http } from 'msw'
import { afterEach, describe, expect, it } from 'vitest'
import { createSyncProtocolAdapter, SyncSetupError, SyncTimeoutError, type OutgoingOperation, type SyncOutcome, type SyncProtocolAdapterOptions } from '../../src'
import { createProtocolBackend } from '../support/protocolBackend'
import { useMswServer } from '../support/mswServer'

const baseUrl = 'http://127.0.0.1:4070/api'
const backend = createProtocolBackend({ baseUrl })
const server = useMswServer(...backend.handlers)
afterEach(() => backend.reset())

const signal = new AbortController().signal

function op(kind: OutgoingOperation['kind'], recordId: string, extra: Partial<OutgoingOperation> = {}): OutgoingOperation {
  const data = kind === 'create' ? { id: recordId, title: `Todo ${recordId}` } : kind === 'update' ? { done: true } : null
  return { id: `${kind}-${recordId}`, entity: 'todos', recordId, kind, data, baseVersion: null, attempts: 0, enqueuedAt: 0, userId: null, ...extra }
}

function adapterWith(options: Partial<SyncProtocolAdapterOptions> = {}) {
  return createSyncProtocolAdapter({ baseUrl, clientId: 'client-1', ...options })
}

/** Answers every push with `respond(operations)` and records the bodies that came in. */
function answerPush(respond: (operations: Array<{ id: string }>, request: Request) => Response | Promise<Response>) {
  const bodies: Array<{ clientId: string; operations: Array<Record<string, unknown> & { id: string }> }> = []
  server.use(
    http.post(`${baseUrl}/sync/push`, async ({ request }) => {
      const body = (await request.clone().json()) as (typeof bodies)[number]
      bodies.push(body)
      return respond(body.operations, request)
    }),
  )
  return bodies
}

const httpError = (status: number, message: string) => ({ name: 'SyncHttpError', code: 'http-error', status, message })
const invalid = (status: number, message: string) => ({ name: 'SyncInvalidResponseError', code: 'invalid-response', status, message })

describe('createSyncProtocolAdapter: options', () => {
  it('throws a SyncSetupError saying what to pass for a missing baseUrl, a bad batchSize or clientId', () => {
    // @ts-expect-error baseUrl is required
    expect(() => createSyncProtocolAdapter({})).toThrow(
      new SyncSetupError("createSyncProtocolAdapter needs a `baseUrl` string, e.g. createSyncProtocolAdapter({ baseUrl: 'https://api.example.com' })."),
    )
    expect(() => createSyncProtocolAdapter({ baseUrl, batchSize: 0 })).toThrow(new SyncSetupError("createSyncProtocolAdapter's batchSize must be an integer ≥ 1, got 0."))
    expect(() => createSyncProtocolAdapter({ baseUrl, clientId: '' })).toThrow(/`clientId` must be a non-empty string/)
    // @ts-expect-error fetch must be a function
    expect(() => createSyncProtocolAdapter({ baseUrl, fetch: 'fetch' })).toThrow(/`fetch` option must be a function/)
  })

  it('has subscribe only when live is true', () => {
    expect(adapterWith().subscribe).toBeUndefined()
    expect(adapterWith({ live: true }).subscribe).toBeTypeOf('function')
  })

  it('sends one random clientId per adapter, the same on every request', async () => {
    const bodies = answerPush((operations) => HttpResponse.json({ results: operations.map(({ id }) => ({ id, status: 204 })) }))
    const first = createSyncProtocolAdapter({ baseUrl })
    await first.push([op('delete', '1')], { signal })
    await first.push([op('delete', '2')], { signal })
    await createSyncProtocolAdapter({ baseUrl }).push([op('delete', '3')], { signal })
    const [a, b, c] = bodies.map((body) => body.clientId)
    expect(a).toMatch(/^[0-9a-f-]{36}$/)
    expect(b).toBe(a)
    expect(c).not.toBe(a)
  })
})

describe('createSyncProtocolAdapter: push', () => {
  it('sends the operations of docs/sync-protocol.md to POST {baseUrl}/sync/push with the headers option', async () => {
    backend.apply([{ id: 'seed', collection: 'todos', recordId: '2', kind: 'create', data: { title: 'Two' }, baseVersion: null }])
    const outcomes = await adapterWith({ headers: { Authorization: 'Bearer t' }, baseUrl: `${baseUrl}/` }).push(
      [op('create', '1'), op('update', '2', { baseVersion: 1 }), op('delete', '3', { baseVersion: 5 })],
      { signal },
    )
    expect(backend.requests).toEqual([
      {
        path: '/sync/push',
        authorization: 'Bearer t',
        body: {
          clientId: 'client-1',
          operations: [
            { id: 'create-1', collection: 'todos', recordId: '1', kind: 'create', data: { id: '1', title: 'Todo 1' }, baseVersion: null },
            { id: 'update-2', collection: 'todos', recordId: '2', kind: 'update', data: { done: true }, baseVersion: 1 },
            { id: 'delete-3', collection: 'todos', recordId: '3', kind: 'delete', data: null, baseVersion: 5 },
          ],
        },
      },
    ])
    expect(outcomes).toEqual([
      { type: 'ok', record: { id: '1', title: 'Todo 1', version: 1 } },
      { type: 'ok', record: { id: '2', title: 'Two', done: true, version: 2 } },
      // A delete of a record that is not there is done.
      { type: 'ok' },
    ])
  })

  it('sends at most batchSize operations per request, in the order given, and answers in that order', async () => {
    const operations = Array.from({ length: 7 }, (_, i) => op('create', `r${i}`))
    const outcomes = await adapterWith({ batchSize: 3 }).push(operations, { signal })
    expect(backend.requests.map(({ body }) => (body.operations as Array<{ id: string }>).map(({ id }) => id))).toEqual([
      ['create-r0', 'create-r1', 'create-r2'],
      ['create-r3', 'create-r4', 'create-r5'],
      ['create-r6'],
    ])
    expect(outcomes.map((outcome) => outcome.type === 'ok' && outcome.record?.id)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6'])
  })

  it("sends each user's operations in their own requests, with that user's headers", async () => {
    const seen: Array<[string | null, string[]]> = []
    answerPush((operations, request) => {
      seen.push([request.headers.get('authorization'), operations.map(({ id }) => id)])
      return HttpResponse.json({ results: operations.map(({ id }) => ({ id, status: 204 })) })
    })
    const headers = (operation: OutgoingOperation | null) => ({ Authorization: `Bearer ${operation?.userId ?? 'nobody'}` })
    const outcomes = await adapterWith({ headers, batchSize: 2 }).push(
      [op('delete', '1', { userId: 'alice' }), op('delete', '2', { userId: 'bob' }), op('delete', '3', { userId: 'alice' }), op('delete', '4', { userId: 'alice' })],
      { signal },
    )
    expect(seen).toEqual([
      ['Bearer alice', ['delete-1', 'delete-3']],
      ['Bearer alice', ['delete-4']],
      ['Bearer bob', ['delete-2']],
    ])
    expect(outcomes).toEqual([{ type: 'ok' }, { type: 'ok' }, { type: 'ok' }, { type: 'ok' }])
  })

  it('maps every status of a result as the REST adapter maps it', async () => {
    const remote = (id: string) => ({ id, title: 'Theirs', version: 4 })
    answerPush(() =>
      HttpResponse.json({
        results: [
          { id: 'create-a', status: 201, record: { id: 'a', version: 1 } },
          { id: 'update-b', status: 200, record: { id: 'b', version: 2 } },
          { id: 'delete-c', status: 204 },
          { id: 'update-d', status: 404, error: { code: 'not-found', message: 'todos d does not exist' } },
          { id: 'delete-e', status: 404, error: { code: 'not-found', message: 'gone' } },
          { id: 'create-f', status: 409, record: remote('f') },
          { id: 'update-g', status: 412, record: remote('g') },
          { id: 'update-h', status: 412, record: null },
          { id: 'update-i', status: 422, error: { code: 'invalid', message: 'title must be a string' } },
          { id: 'update-j', status: 400, error: { code: 'bad-operation', message: 'unknown kind' } },
          { id: 'update-k', status: 503, error: { code: 'busy', message: 'savepoint failed' } },
          { id: 'update-l', status: 429 },
          { id: 'update-m', status: 403, error: { code: 'forbidden', message: 'not your record' } },
          { id: 'create-n', status: 200, record: { version: 7 } },
        ],
      }),
    )
    const operations = [
      op('create', 'a'), op('update', 'b'), op('delete', 'c'), op('update', 'd'), op('delete', 'e'), op('create', 'f'), op('update', 'g'),
      op('update', 'h'), op('update', 'i'), op('update', 'j'), op('update', 'k'), op('update', 'l'), op('update', 'm'), op('create', 'n'),
    ]
    const outcomes = await adapterWith().push(operations, { signal })
    const about = (operation: OutgoingOperation) => `POST /sync/push: the ${operation.kind} of todos ${JSON.stringify(operation.recordId)} (operation ${operation.id})`
    expect(outcomes).toEqual<SyncOutcome[]>([
      { type: 'ok', record: { id: 'a', version: 1 } },
      { type: 'ok', record: { id: 'b', version: 2 } },
      { type: 'ok' },
      { type: 'conflict', remote: null },
      { type: 'ok' },
      { type: 'conflict', remote: remote('f') },
      { type: 'conflict', remote: remote('g') },
      { type: 'conflict', remote: null },
      { type: 'reject', error: httpError(422, `${about(operations[8]!)} failed with 422: title must be a string`) },
      { type: 'reject', error: httpError(400, `${about(operations[9]!)} failed with 400: unknown kind`) },
      { type: 'retry', error: httpError(503, `${about(operations[10]!)} failed with 503: savepoint failed`) },
      { type: 'retry', error: httpError(429, `${about(operations[11]!)} failed with 429`) },
      { type: 'auth', error: httpError(403, `${about(operations[12]!)} failed with 403: not your record`) },
      // A record without an id confirms the operation but cannot replace what the client holds.
      { type: 'ok' },
    ])
  })

  it('retries as invalid-response each operation whose result is missing, out of place, duplicated or malformed, and trusts the others', async () => {
    answerPush(() =>
      HttpResponse.json({
        results: [
          { id: 'update-1', status: 200, record: { id: '1', version: 2 } },
          { id: 'update-3', status: 200, record: { id: '3', version: 2 } },
          { id: 'update-3', status: 200, record: { id: '3', version: 2 } },
          { id: 'update-4', status: 'ok' },
          { id: 'update-5', status: 200, record: { id: 'other', version: 2 } },
          { id: 'update-6', status: 412 },
          { id: 'update-7', status: 200, record: { id: '7', version: 9 } },
        ],
      }),
    )
    const operations = ['1', '2', '3', '4', '5', '6', '7', '8'].map((id) => op('update', id))
    const outcomes = await adapterWith().push(operations, { signal })
    const about = (i: number) => `POST /sync/push: the update of todos "${i}" (operation update-${i})`
    expect(outcomes).toEqual([
      { type: 'ok', record: { id: '1', version: 2 } },
      { type: 'retry', error: invalid(200, `${about(2)} answered 200 with the result of "update-3" at its place (1). The operation will be retried.`) },
      { type: 'retry', error: invalid(200, `${about(3)} answered 200 with 2 results for it. The operation will be retried.`) },
      { type: 'retry', error: invalid(200, `${about(4)} answered 200 with a result whose \`status\` is not an HTTP status ("ok") at its place (3). The operation will be retried.`) },
      { type: 'retry', error: invalid(200, `${about(5)} answered 200 with another record (id "other", not "5"), not the record it sent (status 200). The operation will be retried.`) },
      { type: 'retry', error: invalid(200, `${about(6)} answered 200 with a 412 without the current record (status 412). The operation will be retried.`) },
      { type: 'ok', record: { id: '7', version: 9 } },
      { type: 'retry', error: invalid(200, `${about(8)} answered 200 with a result that is not an object (undefined) at its place (7). The operation will be retried.`) },
    ])
  })

  it('retries every operation as invalid-response when the body is no list of results (a captive portal, a proxy)', async () => {
    answerPush(() => new HttpResponse('<html>Sign in to the Wi-Fi</html>', { headers: { 'Content-Type': 'text/html' } }))
    const outcomes = await adapterWith().push([op('delete', '1'), op('delete', '2')], { signal })
    const error = invalid(200, 'POST /sync/push answered 200 with a body that is not JSON (text/html); a captive portal or a proxy may have answered instead of the server. The operation will be retried.')
    expect(outcomes).toEqual([{ type: 'retry', error }, { type: 'retry', error }])
    answerPush(() => HttpResponse.json({ ok: true }))
    expect(await adapterWith().push([op('delete', '1')], { signal })).toEqual([
      { type: 'retry', error: invalid(200, expect.stringContaining('with JSON without a `results` list')) },
    ])
  })

  it('maps a whole-request failure to every operation of that request only', async () => {
    let calls = 0
    answerPush((operations) => {
      calls += 1
      if (calls === 1) return HttpResponse.json({ error: { code: 'unavailable', message: 'restarting' } }, { status: 503, headers: { 'Retry-After': '7' } })
      return HttpResponse.json({ results: operations.map(({ id }) => ({ id, status: 204 })) })
    })
    const outcomes = await adapterWith({ batchSize: 2 }).push([op('delete', '1'), op('delete', '2'), op('delete', '3')], { signal })
    const error = httpError(503, 'POST /sync/push failed with 503: restarting')
    expect(outcomes).toEqual([{ type: 'retry', error, retryAfterMs: 7000 }, { type: 'retry', error, retryAfterMs: 7000 }, { type: 'ok' }])
  })

  it.each([
    [408, 'retry'],
    [425, 'retry'],
    [429, 'retry'],
    [500, 'retry'],
    [401, 'auth'],
    [403, 'auth'],
    [400, 'reject'],
    [404, 'reject'],
    [422, 'reject'],
  ] as const)('maps a whole-request %i to %s for every operation, with the server message', async (status, type) => {
    answerPush(() => HttpResponse.json({ error: { code: 'x', message: `said ${status}` } }, { status }))
    const outcomes = await adapterWith().push([op('delete', '1'), op('delete', '2')], { signal })
    const expected = { type, error: httpError(status, `POST /sync/push failed with ${status}: said ${status}`) }
    expect(outcomes).toEqual([expected, expected])
  })

  it('retries on a network failure, and keeps the engine timeout as the reason of an abort', async () => {
    answerPush(() => HttpResponse.error())
    const [failed] = await adapterWith().push([op('delete', '1')], { signal })
    expect(failed).toMatchObject({ type: 'retry', error: { code: 'network-error', message: expect.stringMatching(/^POST \/sync\/push could not reach the backend/) } })
    const controller = new AbortController()
    controller.abort(new SyncTimeoutError(30_000))
    expect(await adapterWith().push([op('delete', '1')], { signal: controller.signal })).toEqual([
      { type: 'retry', error: { name: 'SyncTimeoutError', code: 'timeout', message: 'The backend did not answer within 30000 ms; the operation will be retried.' } },
    ])
  })

  it('splits a request answered 413 in halves until they fit, and rejects one operation too large alone', async () => {
    const bodies = answerPush((operations) => {
      const tooBig = operations.some(({ id }) => id === 'create-big')
      if (operations.length > 2 || tooBig) return HttpResponse.json({ error: { code: 'too-large', message: 'body over 1 MB' } }, { status: 413 })
      return HttpResponse.json({ results: operations.map(({ id }) => ({ id, status: 204 })) })
    })
    const operations = [op('delete', '1'), op('delete', '2'), op('create', 'big'), op('delete', '4'), op('delete', '5')]
    const outcomes = await adapterWith().push(operations, { signal })
    expect(bodies.map((body) => body.operations.map(({ id }) => id))).toEqual([
      ['delete-1', 'delete-2', 'create-big', 'delete-4', 'delete-5'],
      ['delete-1', 'delete-2', 'create-big'],
      ['delete-1', 'delete-2'],
      ['create-big'],
      ['delete-4', 'delete-5'],
    ])
    expect(outcomes).toEqual([
      { type: 'ok' },
      { type: 'ok' },
      {
        type: 'reject',
        error: httpError(413, 'POST /sync/push failed with 413: the create of todos "big" alone is larger than the server accepts. Make the record smaller, or raise the server\'s body limit.'),
      },
      { type: 'ok' },
      { type: 'ok' },
    ])
  })

  it('retries (never throws) when the headers option throws, and sends nothing', async () => {
    const bodies = answerPush(() => HttpResponse.json({ results: [] }))
    const outcomes = await adapterWith({
      headers: () => {
        throw new Error('no token')
      },
    }).push([op('delete', '1')], { signal })
    expect(outcomes).toEqual([
      {
        type: 'retry',
        error: {
          name: 'SyncAdapterError',
          code: 'adapter-failed',
          message: "The sync protocol adapter failed while making POST /sync/push: no token. Check the adapter's `headers` option and that the records are JSON.",
        },
      },
    ])
    expect(bodies).toEqual([])
  })
})
