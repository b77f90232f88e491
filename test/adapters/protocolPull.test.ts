import { HttpResponse, http } from 'msw'
import { afterEach, describe, expect, it } from 'vitest'
import { createSyncProtocolAdapter, SyncHttpError, SyncInvalidResponseError, type PullRequest } from '../../src'
import { createProtocolBackend } from '../support/protocolBackend'
import { useMswServer } from '../support/mswServer'

const baseUrl = 'http://127.0.0.1:4071/api'
const backend = createProtocolBackend({ baseUrl })
const server = useMswServer(...backend.handlers)
afterEach(() => backend.reset())

const signal = new AbortController().signal
const adapter = createSyncProtocolAdapter({ baseUrl, clientId: 'client-1', headers: (operation) => ({ Authorization: operation === null ? 'Bearer pull' : 'Bearer push' }) })
const pull = (request: Partial<PullRequest> = {}) => adapter.pull!({ entity: 'todos', cursor: null, limit: 50, params: {}, signal, ...request })

/** Answers every pull with `body` (JSON) and `status`. */
function answerPull(body: Record<string, unknown>, status = 200) {
  server.use(http.post(`${baseUrl}/sync/pull`, () => HttpResponse.json(body, { status })))
}

describe('createSyncProtocolAdapter: pull', () => {
  it('asks POST {baseUrl}/sync/pull with the clientId, collection, cursor, limit, params and unanswered ids, with the pull headers', async () => {
    backend.write('todos', { id: 'a', title: 'A' })
    backend.write('todos', { id: 'b', title: 'B' })
    await pull({ params: { listId: '7' }, unanswered: ['op-9'], limit: 1 })
    await pull({ cursor: '1' })
    expect(backend.requests).toEqual([
      {
        path: '/sync/pull',
        authorization: 'Bearer pull',
        body: { clientId: 'client-1', collection: 'todos', cursor: null, limit: 1, params: { listId: '7' }, unanswered: ['op-9'] },
      },
      { path: '/sync/pull', authorization: 'Bearer pull', body: { clientId: 'client-1', collection: 'todos', cursor: '1', limit: 50, params: {}, unanswered: [] } },
    ])
  })

  it('returns the page: changes with tombstones, the cursor and hasMore', async () => {
    backend.write('todos', { id: 'a', title: 'A' })
    backend.write('todos', { id: 'b', title: 'B' })
    backend.apply([{ id: 'op-1', collection: 'todos', recordId: 'b', kind: 'delete', data: null, baseVersion: null }])
    expect(await pull({ limit: 1 })).toEqual({ changes: [{ id: 'a', record: { id: 'a', title: 'A', version: 1 } }], cursor: '1', hasMore: true })
    expect(await pull({ cursor: '1' })).toEqual({ changes: [{ id: 'b', record: null }], cursor: '3', hasMore: false })
  })

  it('returns the outcomes the server holds for unanswered operations, mapped as push results, and leaves the others out', async () => {
    backend.write('todos', { id: 'x', title: 'X' })
    backend.apply([
      { id: 'op-1', collection: 'todos', recordId: 'a', kind: 'create', data: { title: 'A' }, baseVersion: null },
      { id: 'op-2', collection: 'todos', recordId: 'x', kind: 'update', data: { title: 'Mine' }, baseVersion: 7 },
    ])
    const page = await pull({ unanswered: ['op-1', 'op-2', 'op-never-sent'] })
    expect(page.answered).toEqual([
      { id: 'op-1', outcome: { type: 'ok', record: { id: 'a', title: 'A', version: 1 } } },
      { id: 'op-2', outcome: { type: 'conflict', remote: { id: 'x', title: 'X', version: 1 } } },
    ])
    expect(await pull()).not.toHaveProperty('answered')
  })

  it('leaves out answered entries that are malformed, not asked about, named twice or whose meaning depends on the kind (404)', async () => {
    answerPull({
      changes: [],
      cursor: null,
      hasMore: false,
      answered: [
        { id: 'op-1', status: 200, record: { id: 'a', version: 2 } },
        { id: 'op-2', status: 'done' },
        { id: 'op-3', status: 200, record: 'a' },
        { id: 'op-4', status: 404 },
        { id: 'op-5', status: 204 },
        { id: 'op-5', status: 204 },
        { id: 'op-not-asked', status: 204 },
        'op-6',
        { id: 'op-7', status: 422, error: { code: 'invalid', message: 'title is required' } },
        { id: 'op-8', status: 412, record: null },
      ],
    })
    const page = await pull({ unanswered: ['op-1', 'op-2', 'op-3', 'op-4', 'op-5', 'op-6', 'op-7', 'op-8'] })
    expect(page.answered).toEqual([
      { id: 'op-1', outcome: { type: 'ok', record: { id: 'a', version: 2 } } },
      {
        id: 'op-7',
        outcome: { type: 'reject', error: { name: 'SyncHttpError', code: 'http-error', status: 422, message: 'POST /sync/pull of todos: operation op-7 failed with 422: title is required' } },
      },
      { id: 'op-8', outcome: { type: 'conflict', remote: null } },
    ])
    answerPull({ changes: [], cursor: null, hasMore: false, answered: 'op-1' })
    expect(await pull({ unanswered: ['op-1'] })).toEqual({ changes: [], cursor: null, hasMore: false })
  })

  it('throws a SyncHttpError with status 410 saying the cursor is unknown, so the engine pulls from the start', async () => {
    const error = await pull({ cursor: '99' }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(SyncHttpError)
    expect(error).toMatchObject({
      status: 410,
      message: 'POST /sync/pull of todos failed with 410: the server no longer knows the cursor "99" (its data was reset); the next pull starts from the beginning.',
    })
  })

  it('throws on an HTTP error, a network failure and a body that is not a page, so the engine retries', async () => {
    answerPull({ error: { code: 'unauthorized', message: 'token expired' } }, 401)
    await expect(pull()).rejects.toMatchObject({ name: 'SyncHttpError', status: 401, message: 'POST /sync/pull of todos failed with 401: token expired' })
    server.use(http.post(`${baseUrl}/sync/pull`, () => HttpResponse.error()))
    await expect(pull()).rejects.toMatchObject({ code: 'network-error' })
    answerPull({ changes: [{ id: 'a' }], cursor: null, hasMore: false })
    await expect(pull()).rejects.toThrow(
      new SyncInvalidResponseError(
        'POST /sync/pull of todos answered 200 with JSON that is not a page { changes: [{ id, record | null }], cursor, hasMore }; a captive portal or a proxy may have answered instead of the server. The pull will be retried.',
        { status: 200 },
      ),
    )
    server.use(http.post(`${baseUrl}/sync/pull`, () => new HttpResponse('<html>portal</html>', { headers: { 'Content-Type': 'text/html' } })))
    await expect(pull()).rejects.toMatchObject({ code: 'invalid-response', message: expect.stringContaining('a body that is not JSON (text/html)') })
  })
})
