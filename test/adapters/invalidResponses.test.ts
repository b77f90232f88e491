import { describe, expect, it, vi } from 'vitest'
import { createRestAdapter, type OutgoingOperation, type SyncOutcome } from '../../src'
import { createTestStore } from '../support/testStore'
import { advance } from '../support/driver'

// Durability invariant 5 (nothing trusted): a response body is checked against what the route expects.
// A 2xx whose body is not the record (a captive portal's HTML, text, another record) is a transient
// `invalid-response` failure, not a confirmation; a 409/412 whose body is not the record is followed by
// reading the record (routes.read), never taken as the server's copy.

const baseUrl = 'https://api.test'
const signal = new AbortController().signal

const op = (kind: OutgoingOperation['kind'], extra: Partial<OutgoingOperation> = {}): OutgoingOperation => ({
  id: `op-${kind}`,
  entity: 'todos',
  recordId: 'a',
  kind,
  data: kind === 'delete' ? null : { id: 'a', title: 'mine' },
  baseVersion: kind === 'create' ? null : 1,
  attempts: 0,
  enqueuedAt: 0,
  userId: null,
  ...extra,
})

type Reply = { status: number; body?: string; type?: string }
const html = '<!doctype html><html><body><form action="/login">Sign in to the Wi-Fi</form></body></html>'
const json = (value: unknown) => JSON.stringify(value)

/** An adapter whose fetch answers from a list, one reply per request, and logs what was asked. */
function adapterAnswering(...replies: Reply[]) {
  const asked: string[] = []
  const adapter = createRestAdapter({
    baseUrl,
    fetch: async (url, init) => {
      asked.push(`${init.method} ${url.slice(baseUrl.length)}`)
      const reply = replies.shift() ?? { status: 500 }
      const body = reply.status === 204 ? null : (reply.body ?? '')
      return new Response(body, { status: reply.status, headers: { 'Content-Type': reply.type ?? 'application/json' } })
    },
  })
  return { adapter, asked }
}

async function pushOne(adapter: ReturnType<typeof createRestAdapter>, operation: OutgoingOperation): Promise<SyncOutcome> {
  const [outcome] = await adapter.push([operation], { signal })
  return outcome!
}

const invalid = { type: 'retry', error: expect.objectContaining({ code: 'invalid-response', name: 'SyncInvalidResponseError' }) }

describe('a 2xx answer whose body is not what the route expects', () => {
  it.each<[string, Reply]>([
    ['HTML from a captive portal', { status: 200, body: html, type: 'text/html' }],
    ['text that is not JSON', { status: 200, body: 'OK, thanks', type: 'text/plain' }],
    ['JSON of another record', { status: 200, body: json({ id: 'b', title: 'theirs', version: 7 }) }],
    ['a JSON array', { status: 200, body: json([{ id: 'a' }]) }],
  ])('%s is a transient invalid-response failure for a create and an update', async (_, reply) => {
    for (const kind of ['create', 'update'] as const) {
      const { adapter } = adapterAnswering(reply)
      expect(await pushOne(adapter, op(kind))).toEqual(invalid)
    }
  })

  it('HTML answering a delete is an invalid-response failure too: the server may never have seen it', async () => {
    const { adapter } = adapterAnswering({ status: 200, body: html, type: 'text/html' })
    expect(await pushOne(adapter, op('delete'))).toEqual(invalid)
  })

  it('204, an empty body and the record itself stay a success', async () => {
    expect(await pushOne(adapterAnswering({ status: 204 }).adapter, op('update'))).toEqual({ type: 'ok' })
    expect(await pushOne(adapterAnswering({ status: 200, body: '' }).adapter, op('update'))).toEqual({ type: 'ok' })
    expect(await pushOne(adapterAnswering({ status: 200, body: json({ id: 'a', title: 'mine', version: 2 }) }).adapter, op('update'))).toEqual({
      type: 'ok',
      record: { id: 'a', title: 'mine', version: 2 },
    })
    expect(await pushOne(adapterAnswering({ status: 200, body: json({ deleted: true }) }).adapter, op('delete'))).toEqual({ type: 'ok' })
  })

  it("checks identity with the entity's own selectId when the engine passes it", async () => {
    const { adapter } = adapterAnswering({ status: 200, body: json({ id: 99, key: 'a', version: 2 }) })
    const [outcome] = await adapter.push([op('update')], { signal, recordIdOf: (_, record) => record.key as string })
    expect(outcome).toEqual({ type: 'ok', record: { id: 99, key: 'a', version: 2 } })
  })

  it('keeps the change pending in the store, retried, with the reason in lastError', async () => {
    vi.useFakeTimers({ now: 1_000_000 })
    try {
      const { adapter } = adapterAnswering({ status: 200, body: html, type: 'text/html' }, { status: 201, body: json({ id: 'a', title: 'A', done: false, version: 1 }) })
      const t = createTestStore({ push: adapter.push }, { now: () => Date.now() })
      t.store.dispatch(t.todos.actions.added({ id: 'a', title: 'A', done: false }))
      await vi.advanceTimersByTimeAsync(0)
      await advance()
      expect(t.status()).toMatchObject({ phase: 'backoff', pending: 1, failed: 0, lastError: { code: 'invalid-response' } })
      await vi.advanceTimersByTimeAsync(1000)
      await advance()
      expect(t.status()).toMatchObject({ phase: 'idle', pending: 0, failed: 0 })
      expect(t.view()).toEqual([{ id: 'a', title: 'A', done: false, version: 1 }])
      t.sync.stop()
    } finally {
      vi.useRealTimers()
    }
  })
})

describe('a 409/412 whose body is not the record in question', () => {
  const current = { id: 'a', title: 'theirs', version: 5 }

  it.each<[string, Reply]>([
    ['an error message', { status: 409, body: json({ message: 'Version mismatch' }) }],
    ['a record with another id', { status: 412, body: json({ id: 'b', title: 'other', version: 3 }) }],
    ['HTML', { status: 412, body: html, type: 'text/html' }],
  ])('(%s) reads the record with routes.read and reports that as the remote', async (_, reply) => {
    const { adapter, asked } = adapterAnswering(reply, { status: 200, body: json(current) })
    expect(await pushOne(adapter, op('update'))).toEqual({ type: 'conflict', remote: current })
    expect(asked).toEqual(['PATCH /todos/a', 'GET /todos/a'])
  })

  it('takes a body that is the record as the remote without reading it again', async () => {
    const { adapter, asked } = adapterAnswering({ status: 409, body: json(current) })
    expect(await pushOne(adapter, op('update'))).toEqual({ type: 'conflict', remote: current })
    expect(asked).toEqual(['PATCH /todos/a'])
  })

  it('is an invalid-response retry when the read answers something else than the record either', async () => {
    const { adapter } = adapterAnswering({ status: 409, body: json({ message: 'Version mismatch' }) }, { status: 200, body: html, type: 'text/html' })
    expect(await pushOne(adapter, op('update'))).toEqual(invalid)
  })
})

describe('a pull answered 2xx with a body that is not JSON', () => {
  it('is an invalid-response failure, so the pull is retried from the same cursor', async () => {
    const { adapter } = adapterAnswering({ status: 200, body: html, type: 'text/html' })
    await expect(adapter.pull!({ entity: 'todos', cursor: 'c1', limit: 10, params: {}, signal })).rejects.toMatchObject({
      name: 'SyncInvalidResponseError',
      code: 'invalid-response',
      status: 200,
    })
  })
})
