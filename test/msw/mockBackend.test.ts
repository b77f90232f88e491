import { http, HttpResponse } from 'msw'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createMockBackend, createWebStorage } from 'rtk-offline/msw'
import type { MockBackendSnapshot, MockBackendStorage, MockPullPage, WebStorageLike } from 'rtk-offline/msw'
import { useMswServer } from '../support/mswServer'

const baseUrl = 'http://localhost/api'
const T0 = 1_700_000_000_000
let clock = T0
const backend = createMockBackend({ baseUrl, now: () => clock })
const server = useMswServer(...backend.handlers)

afterEach(() => {
  vi.useRealTimers()
  backend.reset()
  clock = T0
})

interface Answer {
  status: number
  headers: Headers
  body: unknown
}

interface CallOptions {
  body?: unknown
  headers?: Record<string, string>
  signal?: AbortSignal
  base?: string
}

/** A plain fetch to the backend; the body is parsed as JSON when there is one. */
async function call(method: string, path: string, { body, headers = {}, signal, base = baseUrl }: CallOptions = {}): Promise<Answer> {
  const init: RequestInit = { method, headers: { Accept: 'application/json', ...headers } }
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body)
    init.headers = { 'Content-Type': 'application/json', ...init.headers }
  }
  if (signal) init.signal = signal
  const response = await fetch(`${base}${path}`, init)
  const text = await response.text()
  const isJson = response.headers.get('Content-Type')?.includes('json') ?? false
  return { status: response.status, headers: response.headers, body: text === '' ? undefined : isJson ? (JSON.parse(text) as unknown) : text }
}

const pull = async (query: string, base = baseUrl): Promise<MockPullPage> => {
  const answer = await call('GET', `/todos${query}`, { base })
  expect(answer.status).toBe(200)
  return answer.body as MockPullPage
}

/** The ids of a pull page's entries, `-id` for a tombstone. */
const ids = (page: MockPullPage): string[] => page.changes.map(({ id, record }) => (record ? String(id) : `-${String(id)}`))

/** Lets pending I/O run (real setImmediate, which the fake timers below leave alone). */
async function until(condition: () => boolean): Promise<void> {
  for (let turn = 0; turn < 1000 && !condition(); turn += 1) await new Promise((resolve) => setImmediate(resolve))
  expect(condition()).toBe(true)
}

function memoryStorage(): MockBackendStorage & { saves: number; saved: MockBackendSnapshot | null } {
  return {
    saves: 0,
    saved: null,
    load() {
      return this.saved
    },
    save(snapshot) {
      this.saves += 1
      this.saved = snapshot
    },
  }
}

describe('the REST routes', () => {
  it('creates a record with POST at version 1, stamped, and reads it back with GET', async () => {
    const created = await call('POST', '/todos', { body: { id: '1', title: 'Buy milk', version: 7, updatedAt: 5 } })
    expect(created.status).toBe(201)
    expect(created.body).toEqual({ id: '1', title: 'Buy milk', version: 1, updatedAt: T0 })
    expect(created.headers.get('ETag')).toBe('"1"')
    const read = await call('GET', '/todos/1')
    expect([read.status, read.body]).toEqual([200, { id: '1', title: 'Buy milk', version: 1, updatedAt: T0 }])
    expect(backend.records('todos')).toEqual([read.body])
  })

  it('answers a create of an existing id with 409 and the current record, and one without an id with 400', async () => {
    backend.seed('todos', [{ id: 1, title: 'Theirs', version: 4 }])
    expect(await call('POST', '/todos', { body: { id: '1', title: 'Mine' } })).toMatchObject({
      status: 409,
      body: { id: 1, title: 'Theirs', version: 4, updatedAt: T0 },
    })
    expect(await call('POST', '/todos', { body: { title: 'No id' } })).toMatchObject({
      status: 400,
      body: { message: 'The record needs an "id" (a non-empty string or a number): ids are made by the client.' },
    })
    expect((await call('POST', '/todos', { body: '[1, 2]' })).status).toBe(400)
    expect((await call('POST', '/todos', { body: 'not json' })).status).toBe(400)
    expect(backend.records('todos')).toEqual([{ id: 1, title: 'Theirs', version: 4, updatedAt: T0 }])
  })

  it('applies a PATCH as a JSON merge patch, ignoring id and version, and bumps the version', async () => {
    backend.seed('todos', [{ id: '1', title: 'Buy milk', tags: ['a'], meta: { color: 'red', size: 2 }, note: 'x' }])
    clock = T0 + 10
    const patched = await call('PATCH', '/todos/1', {
      body: { id: '2', version: 9, title: 'Buy oat milk', tags: ['b'], meta: { size: null, shape: 'round' }, note: null },
    })
    expect(patched.status).toBe(200)
    expect(patched.body).toEqual({ id: '1', title: 'Buy oat milk', tags: ['b'], meta: { color: 'red', shape: 'round' }, version: 2, updatedAt: T0 + 10 })
    expect(patched.headers.get('ETag')).toBe('"2"')
    expect(await call('PATCH', '/todos/2', { body: { title: 'x' } })).toMatchObject({ status: 404, body: { message: 'No todos record has the id "2".' } })
    expect((await call('PATCH', '/todos/1', { body: [1] })).status).toBe(400)
  })

  it.each([
    ['no If-Match', undefined, 200],
    ['the version', '"2"', 200],
    ['a weak tag', 'W/"2"', 200],
    ['a bare version', '2', 200],
    ['*', '*', 200],
    ['a list naming it', '"1", W/"2"', 200],
    ['another version', '"1"', 412],
    ['a list without it', '"1", "3"', 412],
  ])('lets a PATCH with %s through: %s → %i', async (_, ifMatch, status) => {
    backend.seed('todos', [{ id: '1', title: 'Buy milk', version: 2 }])
    const answer = await call('PATCH', '/todos/1', { body: { title: 'Mine' }, headers: ifMatch === undefined ? {} : { 'If-Match': ifMatch } })
    expect(answer.status).toBe(status)
    if (status === 412) {
      expect(answer.body).toEqual({ id: '1', title: 'Buy milk', version: 2, updatedAt: T0 })
      expect(backend.record('todos', '1')).toMatchObject({ title: 'Buy milk', version: 2 })
    } else expect(answer.body).toMatchObject({ title: 'Mine', version: 3 })
  })

  it('deletes with DELETE under If-Match: 412 with the record, then 204, then 404', async () => {
    backend.seed('todos', [{ id: '1', title: 'Buy milk', version: 3 }])
    expect(await call('DELETE', '/todos/1', { headers: { 'If-Match': '"2"' } })).toMatchObject({
      status: 412,
      body: { id: '1', version: 3 },
    })
    expect(await call('DELETE', '/todos/1', { headers: { 'If-Match': 'W/"3"' } })).toMatchObject({ status: 204, body: undefined })
    expect((await call('GET', '/todos/1')).status).toBe(404)
    expect((await call('DELETE', '/todos/1')).status).toBe(404)
    expect(backend.records('todos')).toEqual([])
  })

  it('reads ids from the URL decoded, so any string works as an id', async () => {
    const id = 'a b/c?d'
    await call('POST', '/todos', { body: { id, title: 'Odd' } })
    const path = `/todos/${encodeURIComponent(id)}`
    expect(await call('PATCH', path, { body: { title: 'Still odd' } })).toMatchObject({ status: 200, body: { id, version: 2 } })
    expect((await call('GET', path)).body).toMatchObject({ id, title: 'Still odd' })
    expect(backend.requests.map((request) => request.path)).toEqual(['/todos', path, path])
  })

  it('gives a record created again after a delete the versions after the deleted one', async () => {
    await call('POST', '/todos', { body: { id: '1', title: 'First' } })
    await call('PATCH', '/todos/1', { body: { title: 'First, edited' } })
    await call('DELETE', '/todos/1')
    expect(await call('POST', '/todos', { body: { id: '1', title: 'Second' } })).toMatchObject({ status: 201, body: { version: 3 } })
    // A client still holding the first record's version 1 or 2 cannot overwrite the new one.
    expect((await call('PATCH', '/todos/1', { body: { title: 'Stale' }, headers: { 'If-Match': '"2"' } })).status).toBe(412)
  })

  it('logs every request with what the client got', async () => {
    await call('POST', '/todos', { body: { id: '1', title: 'Buy milk' }, headers: { 'Idempotency-Key': 'op-1', 'X-Trace': 't' } })
    await call('GET', '/todos?since=0&limit=5')
    expect(backend.requests).toEqual([
      {
        method: 'POST',
        url: `${baseUrl}/todos`,
        path: '/todos',
        idempotencyKey: 'op-1',
        ifMatch: null,
        headers: expect.objectContaining({ 'idempotency-key': 'op-1', 'x-trace': 't' }) as Record<string, string>,
        body: { id: '1', title: 'Buy milk' },
        status: 201,
        injected: null,
        replayed: false,
      },
      expect.objectContaining({ method: 'GET', path: '/todos?since=0&limit=5', body: undefined, status: 200 }),
    ])
  })
})

describe('Idempotency-Key', () => {
  it('answers a repeated key with the first answer and applies nothing', async () => {
    const first = await call('POST', '/todos', { body: { id: '1', title: 'Buy milk' }, headers: { 'Idempotency-Key': 'op-1' } })
    backend.editRemote('todos', '1', { title: 'Changed elsewhere' })
    const again = await call('POST', '/todos', { body: { id: '1', title: 'Buy milk' }, headers: { 'Idempotency-Key': 'op-1' } })
    expect([again.status, again.body]).toEqual([201, first.body])
    expect(again.headers.get('Idempotent-Replayed')).toBe('true')
    expect(backend.records('todos')).toEqual([{ id: '1', title: 'Changed elsewhere', version: 2, updatedAt: T0 }])
    expect(backend.requests.map((request) => request.replayed)).toEqual([false, true])
  })

  it('judges an operation sent again after a conflict afresh: only successes are remembered', async () => {
    backend.seed('todos', [{ id: '1', title: 'Buy milk', version: 2 }])
    const headers = { 'Idempotency-Key': 'op-1', 'If-Match': '"1"' }
    expect((await call('PATCH', '/todos/1', { body: { title: 'Mine' }, headers })).status).toBe(412)
    expect((await call('PATCH', '/todos/1', { body: { title: 'Mine' }, headers: { ...headers, 'If-Match': '"2"' } })).status).toBe(200)
    expect(await call('PATCH', '/todos/1', { body: { title: 'Mine' }, headers: { ...headers, 'If-Match': '"2"' } })).toMatchObject({
      status: 200,
      body: { title: 'Mine', version: 3 },
    })
    expect(backend.record('todos', '1')).toMatchObject({ version: 3 })
  })

  it('refuses a key used before for another request', async () => {
    await call('POST', '/todos', { body: { id: '1', title: 'Buy milk' }, headers: { 'Idempotency-Key': 'op-1' } })
    expect(await call('DELETE', '/todos/1', { headers: { 'Idempotency-Key': 'op-1' } })).toMatchObject({
      status: 422,
      body: { message: 'The Idempotency-Key "op-1" was first used for POST /todos; a key names one request. Send this one with a new key.' },
    })
    expect(backend.records('todos')).toHaveLength(1)
  })

  it('remembers a lost response, so the retry gets the answer the client never saw', async () => {
    backend.failNext(1, 'lost-response')
    const send = () => call('POST', '/todos', { body: { id: '1', title: 'Buy milk' }, headers: { 'Idempotency-Key': 'op-1' } })
    await expect(send()).rejects.toThrow(TypeError)
    expect(backend.records('todos')).toEqual([{ id: '1', title: 'Buy milk', version: 1, updatedAt: T0 }])
    expect(await send()).toMatchObject({ status: 201, body: { id: '1', title: 'Buy milk', version: 1 } })
    expect(backend.requests.map(({ status, injected, replayed }) => ({ status, injected, replayed }))).toEqual([
      { status: 'network', injected: 'lost-response', replayed: false },
      { status: 201, injected: null, replayed: true },
    ])
    expect(backend.records('todos')).toHaveLength(1)
  })
})

describe('failNext', () => {
  it('answers with a status and applies nothing, then lets the next request through', async () => {
    backend.failNext(1, 500)
    expect(await call('POST', '/todos', { body: { id: '1' } })).toMatchObject({ status: 500, body: { message: 'Injected 500 failure' } })
    expect(backend.records('todos')).toEqual([])
    expect((await call('POST', '/todos', { body: { id: '1' } })).status).toBe(201)
  })

  it('sends Retry-After and a body of your choice', async () => {
    backend.failNext(1, 429, { retryAfter: '3' })
    backend.failNext(1, 503, { retryAfter: 5, body: 'down for maintenance' })
    backend.failNext(1, 422, { body: { message: 'title is too long' } })
    const limited = await call('GET', '/todos')
    expect([limited.status, limited.headers.get('Retry-After')]).toEqual([429, '3'])
    const down = await call('GET', '/todos')
    expect([down.status, down.headers.get('Retry-After'), down.body]).toEqual([503, '5', 'down for maintenance'])
    const rejected = await call('POST', '/todos', { body: { id: '1', title: 'x'.repeat(500) } })
    expect([rejected.status, rejected.body, rejected.headers.get('Retry-After')]).toEqual([422, { message: 'title is too long' }, null])
    expect(backend.records('todos')).toEqual([])
  })

  it("drops the connection with 'network' and applies nothing", async () => {
    backend.failNext(2, 'network')
    await expect(call('POST', '/todos', { body: { id: '1' } })).rejects.toThrow(TypeError)
    await expect(call('GET', '/todos/1')).rejects.toThrow(TypeError)
    expect(backend.records('todos')).toEqual([])
    expect(backend.requests.map(({ status, injected }) => [status, injected])).toEqual([
      ['network', 'network'],
      ['network', 'network'],
    ])
  })

  it("applies a 'lost-response' write even without an Idempotency-Key, so a plain retry meets a 409", async () => {
    backend.failNext(1, 'lost-response')
    await expect(call('POST', '/todos', { body: { id: '1' } })).rejects.toThrow(TypeError)
    expect((await call('POST', '/todos', { body: { id: '1' } })).status).toBe(409)
  })

  it('counts only requests with the given methods, so pulls go through', async () => {
    backend.failNext(1, 503, { methods: ['post', 'PATCH', 'DELETE'] })
    expect((await call('GET', '/todos')).status).toBe(200)
    expect((await call('GET', '/todos/1')).status).toBe(404)
    expect((await call('POST', '/todos', { body: { id: '1' } })).status).toBe(503)
    expect((await call('POST', '/todos', { body: { id: '1' } })).status).toBe(201)
  })

  it('hands failures out in the order they were queued, to requests in the order they arrive', async () => {
    backend.failNext(1, 500)
    backend.failNext(1, 'network')
    backend.failNext(0, 502)
    expect((await call('GET', '/todos')).status).toBe(500)
    await expect(call('GET', '/todos')).rejects.toThrow(TypeError)
    expect((await call('GET', '/todos')).status).toBe(200)
    expect(backend.requests.map((request) => request.status)).toEqual([500, 'network', 200])
  })

  it('says what to do with a failure it cannot inject', () => {
    expect(() => backend.failNext(1, 200)).toThrow(
      "rtk-offline: failNext's failure must be an HTTP error status from 400 to 599, 'network' or 'lost-response', got 200.",
    )
    // @ts-expect-error not a failure kind
    expect(() => backend.failNext(1, 'timeout')).toThrow(/'network' or 'lost-response', got "timeout"/)
    expect(() => backend.failNext(-1, 500)).toThrow("rtk-offline: failNext's count must be an integer ≥ 0, got -1.")
    expect(() => backend.failNext(1, 'network', { retryAfter: '1' })).toThrow(/only apply to a status failure/)
    expect(() => backend.failNext(1, 500, { methods: [] })).toThrow(/must list at least one HTTP method/)
    expect(() => backend.failNext(1, 429, { retryAfter: '' })).toThrow(/retryAfter must be seconds/)
  })
})

describe('latency', () => {
  it('holds the answer for the latency, so a remote edit made meanwhile wins the race', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    backend.seed('todos', [{ id: '1', title: 'Buy milk' }])
    backend.setLatency(1000)
    const answered: string[] = []
    const patch = call('PATCH', '/todos/1', { body: { title: 'Mine' }, headers: { 'If-Match': '"1"' } }).then((answer) => {
      answered.push('patch')
      return answer
    })
    await until(() => backend.requests.length === 1)
    backend.editRemote('todos', '1', { title: 'Theirs' })
    await vi.advanceTimersByTimeAsync(999)
    expect(answered).toEqual([])
    expect(backend.requests[0]!.status).toBeUndefined()
    await vi.advanceTimersByTimeAsync(1)
    expect((await patch).status).toBe(412)
    expect(backend.record('todos', '1')).toMatchObject({ title: 'Theirs', version: 2 })
  })

  it('counts latency from arrival: a slow request sent first is answered after a quick one sent later', async () => {
    const answered: string[] = []
    backend.setLatency(30)
    const slow = call('POST', '/todos', { body: { id: 'slow' } }).then(() => answered.push('slow'))
    await until(() => backend.requests.length === 1)
    backend.setLatency(0)
    const quick = call('POST', '/todos', { body: { id: 'quick' } }).then(() => answered.push('quick'))
    await Promise.all([slow, quick])
    expect(answered).toEqual(['quick', 'slow'])
    expect(backend.records('todos').map((record) => record.id)).toEqual(['quick', 'slow'])
  })

  it('never answers with Infinity, so the client times out and nothing is applied', async () => {
    backend.setLatency(Infinity)
    await expect(call('POST', '/todos', { body: { id: '1' }, signal: AbortSignal.timeout(20) })).rejects.toThrow()
    expect(backend.records('todos')).toEqual([])
    expect(() => backend.setLatency(-1)).toThrow(
      'rtk-offline: setLatency takes milliseconds from 0 to 2147483647 (Infinity never answers, 0 turns latency off), got -1.',
    )
    expect(() => backend.setLatency(2 ** 31)).toThrow(/from 0 to 2147483647/)
  })
})

describe('pull', () => {
  it('returns every live record on a first pull, in the order they changed, without tombstones', async () => {
    backend.seed('todos', [{ id: '1' }, { id: '2' }, { id: '3' }])
    backend.seed('lists', [{ id: 'l' }])
    backend.editRemote('todos', '1', { title: 'Edited' })
    backend.deleteRemote('todos', '2')
    expect(await pull('')).toEqual({
      changes: [
        { id: '3', record: { id: '3', version: 1, updatedAt: T0 } },
        { id: '1', record: { id: '1', title: 'Edited', version: 2, updatedAt: T0 } },
      ],
      cursor: '6',
      hasMore: false,
    })
  })

  it('returns only what changed after the cursor, with deletes as record null', async () => {
    backend.seed('todos', [{ id: '1' }, { id: '2' }])
    const first = await pull('')
    await call('PATCH', '/todos/1', { body: { done: true } })
    await call('DELETE', '/todos/2')
    // Created and deleted since the client's cursor: it never held it, so it is not mentioned.
    await call('POST', '/todos', { body: { id: '3' } })
    await call('DELETE', '/todos/3')
    const next = await pull(`?since=${first.cursor}`)
    expect(next).toEqual({
      changes: [
        { id: '1', record: { id: '1', done: true, version: 2, updatedAt: T0 } },
        { id: '2', record: null },
      ],
      cursor: '6',
      hasMore: false,
    })
    expect(await pull(`?since=${next.cursor}`)).toEqual({ changes: [], cursor: '6', hasMore: false })
  })

  it('pages with stable cursors: asking again with a page’s cursor after a crash gives the next page', async () => {
    backend.seed('todos', ['1', '2', '3', '4', '5'].map((id) => ({ id })))
    const page1 = await pull('?limit=2')
    expect([ids(page1), page1.cursor, page1.hasMore]).toEqual([['1', '2'], '2', true])
    const page2 = await pull(`?since=${page1.cursor}&limit=2`)
    expect([ids(page2), page2.cursor, page2.hasMore]).toEqual([['3', '4'], '4', true])
    // The client applied page 1 and crashed before page 2 was stored: it asks with page 1's cursor again.
    expect(await pull(`?since=${page1.cursor}&limit=2`)).toEqual(page2)
    // A record of page 1 changes before the last page: it comes again, in its new place.
    backend.editRemote('todos', '1', { title: 'Edited' })
    const page3 = await pull(`?since=${page2.cursor}&limit=2`)
    expect([ids(page3), page3.cursor, page3.hasMore]).toEqual([['5', '1'], '6', false])
  })

  it('caps limit at pageSize, which is also the default page', async () => {
    const small = createMockBackend({ baseUrl: 'http://localhost/small', pageSize: 2 })
    server.use(...small.handlers)
    small.seed('todos', [{ id: '1' }, { id: '2' }, { id: '3' }])
    expect(ids(await pull('', 'http://localhost/small'))).toEqual(['1', '2'])
    expect(ids(await pull('?limit=50', 'http://localhost/small'))).toEqual(['1', '2'])
    expect(ids(await pull('?limit=1', 'http://localhost/small'))).toEqual(['1'])
  })

  it('filters by field equality, and a record that leaves the filter comes as record null', async () => {
    backend.seed('todos', [
      { id: '1', listId: 7 },
      { id: '2', listId: 8 },
      { id: '3', listId: 7 },
    ])
    const list7 = await pull('?listId=7')
    expect(ids(list7)).toEqual(['1', '3'])
    backend.editRemote('todos', '1', { listId: 8 })
    backend.editRemote('todos', '2', { title: 'Not in list 7' })
    backend.deleteRemote('todos', '3')
    expect(await pull(`?since=${list7.cursor}&listId=7`)).toEqual({
      changes: [
        { id: '1', record: null },
        { id: '3', record: null },
      ],
      cursor: '6',
      hasMore: false,
    })
    expect(ids(await pull(`?since=${list7.cursor}&listId=8`))).toEqual(['1', '2'])
    expect(ids(await pull('?listId=7&listId=8'))).toEqual(['1', '2'])
  })

  it('tells a client holding a record that it left the filter, even when it left between two pages', async () => {
    backend.seed('todos', [{ id: 'r', listId: 7 }])
    const held = await pull('?listId=7')
    backend.editRemote('todos', 'r', { listId: 8 })
    backend.seed('todos', [{ id: 'q', listId: 7 }])
    backend.editRemote('todos', 'r', { title: 'Still in list 8' })
    const page1 = await pull(`?since=${held.cursor}&limit=1&listId=7`)
    expect([ids(page1), page1.hasMore]).toEqual([['q'], true])
    // The cursor is now past r's move to list 8, but the client still holds r from list 7.
    const page2 = await pull(`?since=${page1.cursor}&limit=1&listId=7`)
    expect([ids(page2), page2.hasMore]).toEqual([['-r'], false])
  })

  it('keeps entities apart, with one cursor sequence for the whole backend', async () => {
    backend.seed('lists', [{ id: 'a' }])
    backend.seed('todos', [{ id: '1' }])
    backend.seed('lists', [{ id: 'b' }])
    expect(await pull('')).toEqual({ changes: [{ id: '1', record: expect.objectContaining({ id: '1' }) as unknown }], cursor: '3', hasMore: false })
    const lists = (await call('GET', '/lists?since=1')).body as MockPullPage
    expect([ids(lists), lists.cursor]).toEqual([['b'], '3'])
  })

  it('says what is wrong with a cursor or a limit', async () => {
    backend.seed('todos', [{ id: '1' }])
    expect(await call('GET', '/todos?since=abc')).toMatchObject({ status: 400, body: { message: '"since" must be a cursor from an earlier pull, got "abc".' } })
    expect(await call('GET', '/todos?limit=0')).toMatchObject({ status: 400, body: { message: '"limit" must be an integer ≥ 1, got "0".' } })
    expect(await call('GET', '/todos?since=99')).toMatchObject({
      status: 410,
      body: { message: 'The cursor "99" is ahead of this backend, whose newest change is 1: its data was reset or lost. Pull again without "since".' },
    })
  })
})

describe('pull with unanswered keys (confirmation by pull)', () => {
  it("answers the remembered answers of this collection's writes among the keys, and nothing for the rest", async () => {
    backend.seed('todos', [{ id: '1', title: 'Buy milk' }])
    await call('POST', '/todos', { body: { id: '2', title: 'New' }, headers: { 'Idempotency-Key': 'k-create' } })
    await call('DELETE', '/todos/1', { headers: { 'Idempotency-Key': 'k-delete' } })
    await call('POST', '/lists', { body: { id: 'l' }, headers: { 'Idempotency-Key': 'k-list' } })
    // A refusal is not remembered (judged afresh when sent again), so it is not answered either.
    await call('PATCH', '/todos/1', { body: { title: 'x' }, headers: { 'Idempotency-Key': 'k-refused' } })
    const page = await pull('?since=2&unanswered=k-create&unanswered=k-delete&unanswered=k-list&unanswered=k-refused&unanswered=k-never')
    expect(page.answered).toEqual([
      { id: 'k-create', status: 201, body: { id: '2', title: 'New', version: 1, updatedAt: T0 } },
      { id: 'k-delete', status: 204 },
    ])
    // `unanswered` is not a filter: the changes are those of a pull without it.
    const { answered: _answered, ...rest } = page
    expect(rest).toEqual(await pull('?since=2'))
    expect((await pull('?since=2')).answered).toBeUndefined()
  })
})

describe('controls', () => {
  it('seeds records as given, with version 1 and updatedAt stamped when missing', () => {
    backend.seed('todos', [{ id: '1', title: 'A' }, { id: 2, version: 5, updatedAt: 42 }])
    expect(backend.records('todos')).toEqual([
      { id: '1', title: 'A', version: 1, updatedAt: T0 },
      { id: 2, version: 5, updatedAt: 42 },
    ])
    expect(backend.record('todos', '2')).toEqual({ id: 2, version: 5, updatedAt: 42 })
    expect(backend.record('todos', '3')).toBeUndefined()
    expect(backend.records('lists')).toEqual([])
  })

  it('hands out copies, so a test cannot change the backend by accident', () => {
    const fixture = { id: '1', meta: { tags: ['a'] } }
    backend.seed('todos', [fixture])
    fixture.meta.tags.push('b')
    const copy = backend.record('todos', '1')!
    ;(copy.meta as { tags: string[] }).tags.push('c')
    backend.records('todos')[0]!.id = 'changed'
    expect(backend.record('todos', '1')).toMatchObject({ id: '1', meta: { tags: ['a'] } })
  })

  it('edits and deletes remotely, and says what to do when the record is not there', () => {
    backend.seed('todos', [{ id: '1', title: 'A', done: false }])
    clock = T0 + 5
    expect(backend.editRemote('todos', '1', { title: 'B', done: null, version: 99 })).toEqual({ id: '1', title: 'B', version: 2, updatedAt: T0 + 5 })
    backend.deleteRemote('todos', '1')
    expect(backend.records('todos')).toEqual([])
    expect(() => backend.editRemote('todos', '1', {})).toThrow(
      'rtk-offline: editRemote found no todos record with the id "1" in the mock backend. Seed it first: backend.seed("todos", [{ id: "1", … }]).',
    )
    expect(() => backend.deleteRemote('todos', 9)).toThrow(/deleteRemote found no todos record with the id 9/)
    // @ts-expect-error changes must be an object
    expect(() => backend.editRemote('todos', '1', null)).toThrow(/changes must be an object/)
    // @ts-expect-error records need an id
    expect(() => backend.seed('todos', [{ title: 'No id' }])).toThrow(`rtk-offline: seed's record 0 of todos needs an "id" (a non-empty string or a number).`)
    expect(() => backend.seed('todos', [{ id: '1', version: 0 }])).toThrow(/versions are integers ≥ 1/)
    expect(() => backend.seed('', [])).toThrow(/needs the entity name as in the URL/)
  })

  it('resets data, log, failures and latency, and starts the sequence again', async () => {
    backend.seed('todos', [{ id: '1' }])
    backend.failNext(2, 500)
    expect((await call('GET', '/todos')).status).toBe(500)
    backend.setLatency(60_000)
    backend.reset()
    // Neither the second failure nor the latency is left: this answers at once with 200.
    expect(backend.requests).toEqual([])
    expect(backend.records('todos')).toEqual([])
    expect(await pull('')).toEqual({ changes: [], cursor: '0', hasMore: false })
    expect(backend.snapshot()).toEqual({ format: 1, sequence: 0, records: {}, changes: [], idempotency: {} })
  })

  it('uses another version field when asked', async () => {
    const revs = createMockBackend({ baseUrl: 'http://localhost/revs', versionField: 'rev', now: () => 1 })
    server.use(...revs.handlers)
    revs.seed('todos', [{ id: '1', rev: 3 }])
    const answer = await call('PATCH', '/todos/1', { base: 'http://localhost/revs', body: { rev: 10, title: 'x' }, headers: { 'If-Match': '"3"' } })
    expect(answer.body).toEqual({ id: '1', rev: 4, title: 'x', updatedAt: 1 })
  })

  it('gives way to handlers a test adds with server.use', async () => {
    server.use(http.get(`${baseUrl}/todos/:id`, () => HttpResponse.json({ message: 'custom' }, { status: 418 })))
    expect((await call('GET', '/todos/1')).status).toBe(418)
    expect(backend.requests).toEqual([])
  })

  it('says what to do with bad options', () => {
    // @ts-expect-error baseUrl is required
    expect(() => createMockBackend({})).toThrow(
      "rtk-offline: createMockBackend needs a `baseUrl` string, the REST adapter's baseUrl, e.g. createMockBackend({ baseUrl: 'http://localhost/api' }).",
    )
    expect(() => createMockBackend({ baseUrl, pageSize: 0 })).toThrow("rtk-offline: createMockBackend's `pageSize` must be an integer ≥ 1, got 0.")
    expect(() => createMockBackend({ baseUrl, versionField: 'id' })).toThrow(/`versionField` must name a field other than id/)
    // @ts-expect-error now must be a function
    expect(() => createMockBackend({ baseUrl, now: 5 })).toThrow(/`now` option must be a function/)
    // @ts-expect-error storage needs load and save
    expect(() => createMockBackend({ baseUrl, storage: { load: () => null } })).toThrow(/`storage` must have load\(\) and save\(snapshot\)/)
  })
})

describe('storage', () => {
  it('saves after every change, and a backend made later on the same storage goes on where it stopped', async () => {
    const storage = memoryStorage()
    const first = createMockBackend({ baseUrl: 'http://localhost/one', storage, now: () => 1 })
    server.use(...first.handlers)
    first.seed('todos', [{ id: '1' }])
    await call('POST', '/todos', { base: 'http://localhost/one', body: { id: '2' }, headers: { 'Idempotency-Key': 'op-2' } })
    const before = await pull('', 'http://localhost/one')
    first.failNext(1, 500)
    first.setLatency(5)
    await call('GET', '/todos/1', { base: 'http://localhost/one' })
    expect(storage.saves).toBe(2)

    // A reload: the same storage, a new backend (another origin here, so both can be served at once).
    const second = createMockBackend({ baseUrl: 'http://localhost/two', storage, now: () => 2 })
    server.use(...second.handlers)
    expect(second.records('todos')).toEqual(first.records('todos'))
    expect(second.snapshot()).toEqual(first.snapshot())
    second.editRemote('todos', '1', { title: 'After reload' })
    const after = await pull(`?since=${before.cursor}`, 'http://localhost/two')
    expect(after).toEqual({ changes: [{ id: '1', record: { id: '1', title: 'After reload', version: 2, updatedAt: 2 } }], cursor: '3', hasMore: false })
    // The idempotency memory came along: the retry of op-2 is answered, not applied again.
    const retry = await call('POST', '/todos', { base: 'http://localhost/two', body: { id: '2' }, headers: { 'Idempotency-Key': 'op-2' } })
    expect(retry).toMatchObject({ status: 201, body: { id: '2', version: 1, updatedAt: 1 } })
    // Only data travels: the failure and latency set on the first backend stay there.
    expect(second.requests.map((request) => request.status)).toEqual([200, 201])
  })

  it('keeps backends that share a storage in step, as browser tabs do', async () => {
    const storage = memoryStorage()
    const tabA = createMockBackend({ baseUrl: 'http://localhost/a', storage })
    const tabB = createMockBackend({ baseUrl: 'http://localhost/b', storage })
    server.use(...tabA.handlers, ...tabB.handlers)
    await call('POST', '/todos', { base: 'http://localhost/a', body: { id: '1' } })
    expect(await call('PATCH', '/todos/1', { base: 'http://localhost/b', body: { done: true } })).toMatchObject({ status: 200, body: { version: 2 } })
    expect(tabA.record('todos', '1')).toMatchObject({ done: true, version: 2 })
  })

  it('gives a snapshot that survives JSON', async () => {
    backend.seed('todos', [{ id: '1' }])
    await call('PATCH', '/todos/1', { body: { title: 'x' }, headers: { 'Idempotency-Key': 'k' } })
    await call('DELETE', '/todos/1')
    const snapshot = backend.snapshot()
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot)
    expect(snapshot).toEqual({
      format: 1,
      sequence: 3,
      records: {},
      changes: [
        { sequence: 1, entity: 'todos', id: '1', record: { id: '1', version: 1, updatedAt: T0 } },
        { sequence: 2, entity: 'todos', id: '1', record: { id: '1', title: 'x', version: 2, updatedAt: T0 } },
        { sequence: 3, entity: 'todos', id: '1', record: null },
      ],
      idempotency: {
        k: { method: 'PATCH', path: '/todos/1', status: 200, body: { id: '1', title: 'x', version: 2, updatedAt: T0 }, headers: { ETag: '"2"' } },
      },
    })
  })

  it('refuses stored data that is not a snapshot, saying how to start over', () => {
    const storage = { load: () => ({ format: 2 }) as unknown as MockBackendSnapshot, save: () => {} }
    expect(() => createMockBackend({ baseUrl, storage })).toThrow(
      "rtk-offline: the mock backend's storage.load() returned a value that is not a snapshot saved by the backend (format is 2, expected 1). Return null to start empty, or clear the stored data (for createWebStorage, localStorage.removeItem(key)).",
    )
  })

  it.each([
    ['not an object', 'oops'],
    ['sequence is not an integer ≥ 0', { format: 1, sequence: -1, records: {}, changes: [], idempotency: {} }],
    ['records is not an object', { format: 1, sequence: 0, records: [], changes: [], idempotency: {} }],
    ['records.todos is not an array of records with ids', { format: 1, sequence: 0, records: { todos: [{}] }, changes: [], idempotency: {} }],
    ['changes is not an array', { format: 1, sequence: 0, records: {}, changes: {}, idempotency: {} }],
    ['a change lacks its sequence, entity or id', { format: 1, sequence: 1, records: {}, changes: [{ sequence: 1 }], idempotency: {} }],
    ['the changes are out of sequence', { format: 1, sequence: 1, records: {}, changes: [{ sequence: 2, entity: 't', id: 1, record: null }], idempotency: {} }],
    ['change 1 holds neither a record nor null', { format: 1, sequence: 1, records: {}, changes: [{ sequence: 1, entity: 't', id: 1, record: 5 }], idempotency: {} }],
    ['idempotency is not an object', { format: 1, sequence: 0, records: {}, changes: [], idempotency: null }],
    ['a remembered answer lacks its method, path or status', { format: 1, sequence: 0, records: {}, changes: [], idempotency: { k: { status: 200 } } }],
  ])('names the problem with stored data: %s', (problem, stored) => {
    const storage = { load: () => stored as unknown as MockBackendSnapshot, save: () => {} }
    expect(() => createMockBackend({ baseUrl, storage })).toThrow(`(${problem})`)
  })

  describe('createWebStorage', () => {
    function fakeWebStorage(): WebStorageLike & { items: Map<string, string> } {
      const items = new Map<string, string>()
      return { items, getItem: (key) => items.get(key) ?? null, setItem: (key, value) => void items.set(key, value) }
    }

    it('keeps the data as JSON under its key, across backends', () => {
      const web = fakeWebStorage()
      const first = createMockBackend({ baseUrl, storage: createWebStorage('demo/backend', web), now: () => 1 })
      first.seed('todos', [{ id: '1' }])
      expect(JSON.parse(web.items.get('demo/backend')!)).toEqual(first.snapshot())
      const second = createMockBackend({ baseUrl, storage: createWebStorage('demo/backend', web) })
      expect(second.records('todos')).toEqual([{ id: '1', version: 1, updatedAt: 1 }])
    })

    it('hands out the same object while the stored text is unchanged', () => {
      const web = fakeWebStorage()
      const storage = createWebStorage('k', web)
      expect(storage.load()).toBeNull()
      web.setItem('k', JSON.stringify({ format: 1, sequence: 0, records: {}, changes: [], idempotency: {} }))
      const loaded = storage.load()
      expect(storage.load()).toBe(loaded)
    })

    it('says what to do when it cannot work', () => {
      expect(() => createWebStorage('')).toThrow(/needs a key/)
      // @ts-expect-error a storage needs getItem and setItem
      expect(() => createWebStorage('k', { getItem: () => null })).toThrow(/must have getItem and setItem, like localStorage/)
      // Node has no localStorage.
      expect(() => createWebStorage('k').load()).toThrow('rtk-offline: createWebStorage found no localStorage here (Node, a worker); pass one: createWebStorage(key, storage).')
      const web = fakeWebStorage()
      web.setItem('k', '{oops')
      expect(() => createWebStorage('k', web).load()).toThrow(`rtk-offline: the mock backend's data under "k" is not JSON. Remove it (localStorage.removeItem('k')) to start empty.`)
    })
  })
})
