import { describe, expect, it } from 'vitest'
import { op, useTestServer } from './support/testServer'

const t = useTestServer('push', { now: () => 1000 })
const push = (operations: unknown[], token = 'alice', clientId = 'c1') =>
  t.json('POST', '/sync/push', { token, body: { clientId, operations } })
const pull = (body: Record<string, unknown>, token = 'alice') => t.json('POST', '/sync/pull', { token, body: { collection: 'todos', ...body } })

describe('POST /sync/push', () => {
  it('applies operations in order and answers one result per operation', async () => {
    const { status, body } = await push([
      op('op-1', 'create', 't1', { id: 't1', title: 'a' }),
      op('op-2', 'update', 't1', { title: 'b' }, 1),
      op('op-3', 'create', 't2', { id: 't2', title: 'c' }),
      op('op-4', 'delete', 't2', null, 1),
    ])
    expect(status).toBe(200)
    expect(body.results).toEqual([
      { id: 'op-1', status: 201, record: { id: 't1', title: 'a', version: 1, updatedAt: 1000 } },
      { id: 'op-2', status: 200, record: { id: 't1', title: 'b', version: 2, updatedAt: 1000 } },
      { id: 'op-3', status: 201, record: { id: 't2', title: 'c', version: 1, updatedAt: 1000 } },
      { id: 'op-4', status: 204 },
    ])
  })

  it('keeps each operation in its own savepoint: a refusal does not undo the others', async () => {
    await push([op('op-1', 'create', 't1', { id: 't1', title: 'a' })])
    const { body } = await push([
      op('op-2', 'create', 't2', { id: 't2' }),
      op('op-3', 'update', 't1', { title: 'stale' }, 7),
      op('op-4', 'update', 'nope', { title: 'x' }),
      op('op-5', 'create', 't1', { id: 't1' }),
      op('op-6', 'update', 't1', { title: 'fresh' }, 1),
    ])
    expect(body.results.map((result: { status: number }) => result.status)).toEqual([201, 412, 404, 409, 200])
    expect(body.results[1]).toMatchObject({ record: { id: 't1', title: 'a', version: 1 } })
    expect(body.results[2]).toMatchObject({ error: { code: 'not-found' } })
    expect(body.results[3]).toMatchObject({ record: { id: 't1', title: 'a', version: 1 } })
    expect((await pull({})).body.changes).toEqual([
      { id: 't2', record: { id: 't2', version: 1, updatedAt: 1000 } },
      { id: 't1', record: { id: 't1', title: 'fresh', version: 2, updatedAt: 1000 } },
    ])
  })

  it('is exactly-once: a replayed operation gets its stored result and writes nothing', async () => {
    const first = await push([op('op-1', 'create', 't1', { id: 't1', title: 'a' }), op('op-2', 'update', 't1', { n: 1 }, 1)])
    const head = (await pull({})).body.cursor
    const records = await t.count('records')
    const again = await push([op('op-1', 'create', 't1', { id: 't1', title: 'a' }), op('op-2', 'update', 't1', { n: 1 }, 1)])
    expect(again.body).toEqual(first.body)
    expect((await pull({})).body.cursor).toBe(head)
    expect(await t.count('records')).toBe(records)
    expect(await t.count('idempotency')).toBe(2)
  })

  it('refuses a replay with another body (422 idempotency-mismatch) and writes nothing', async () => {
    await push([op('op-1', 'create', 't1', { id: 't1', title: 'a' })])
    const { body } = await push([op('op-1', 'create', 't1', { id: 't1', title: 'other' })])
    expect(body.results).toEqual([{ id: 'op-1', status: 422, error: { code: 'idempotency-mismatch', message: expect.stringContaining('op-1') } }])
    expect((await t.json('GET', '/todos/t1')).body).toMatchObject({ title: 'a', version: 1 })
  })

  it('stores refusals too, so a replay of a conflict answers the same conflict', async () => {
    await push([op('op-1', 'create', 't1', { id: 't1', title: 'a' })])
    const refused = await push([op('op-2', 'update', 't1', { title: 'b' }, 9)])
    await push([op('op-3', 'update', 't1', { title: 'c' }, 1)])
    const again = await push([op('op-2', 'update', 't1', { title: 'b' }, 9)])
    expect(again.body).toEqual(refused.body)
    expect(again.body.results[0]).toMatchObject({ status: 412, record: { title: 'a', version: 1 } })
  })

  it('answers the same operation the same whether it came by REST or in a batch', async () => {
    const rest = await t.json('POST', '/todos', { body: { id: 't1', title: 'a' }, headers: { 'Idempotency-Key': 'op-1' } })
    expect(rest.status).toBe(201)
    const batch = await push([op('op-1', 'create', 't1', { id: 't1', title: 'a' })])
    expect(batch.body.results[0]).toEqual({ id: 'op-1', status: 201, record: rest.body })
    const restPatch = await t.json('PATCH', '/todos/t1', { body: { title: 'b' }, headers: { 'Idempotency-Key': 'op-2', 'If-Match': '"1"' } })
    const batchPatch = await push([op('op-2', 'update', 't1', { title: 'b' }, 1)])
    expect(batchPatch.body.results[0]).toEqual({ id: 'op-2', status: 200, record: restPatch.body })
    expect((await t.json('GET', '/todos/t1')).body.version).toBe(2)
  })

  it('answers an operation repeated within one batch with its first result', async () => {
    const { body } = await push([op('op-1', 'create', 't1', { id: 't1' }), op('op-1', 'create', 't1', { id: 't1' })])
    expect(body.results[1]).toEqual(body.results[0])
    expect((await t.json('GET', '/todos/t1')).body.version).toBe(1)
  })

  it('continues the version of a record created again after its delete', async () => {
    await push([op('op-1', 'create', 't1', { id: 't1' }), op('op-2', 'update', 't1', { a: 1 }, 1), op('op-3', 'delete', 't1', null, 2)])
    const { body } = await push([op('op-4', 'create', 't1', { id: 't1', b: 2 }), op('op-5', 'update', 't1', { c: 3 }, 2)])
    expect(body.results[0]).toMatchObject({ status: 201, record: { id: 't1', b: 2, version: 3 } })
    expect(body.results[1]).toMatchObject({ status: 412, record: { version: 3 } })
  })

  it('answers 404 for an update or delete of a record that does not exist', async () => {
    const { body } = await push([op('op-1', 'update', 'x', { a: 1 }), op('op-2', 'delete', 'y')])
    expect(body.results).toEqual([
      { id: 'op-1', status: 404, error: { code: 'not-found', message: expect.any(String) } },
      { id: 'op-2', status: 404, error: { code: 'not-found', message: expect.any(String) } },
    ])
  })

  it('keeps numeric record ids numbers', async () => {
    const { body } = await push([op('op-1', 'create', 7, { id: 7, title: 'n' })])
    expect(body.results[0].record.id).toBe(7)
    await push([op('op-2', 'delete', 7, null, 1)])
    const cursor = '1'
    expect((await pull({ cursor })).body.changes).toEqual([{ id: 7, record: null }])
  })
})

describe('confirmation by pull', () => {
  it('answers lastApplied per client and the stored results of unanswered operations', async () => {
    await push([op('op-1', 'create', 't1', { id: 't1' }), op('op-2', 'update', 't1', { a: 1 }, 5)], 'alice', 'client-a')
    await push([op('op-3', 'create', 't2', { id: 't2' })], 'alice', 'client-b')
    const { body } = await pull({ clientId: 'client-a', cursor: null, unanswered: ['op-2', 'op-1', 'never-sent'] })
    expect(body.lastApplied).toBe('op-2')
    expect(body.answered).toEqual([
      { id: 'op-2', status: 412, record: { id: 't1', version: 1, updatedAt: 1000 } },
      { id: 'op-1', status: 201, record: { id: 't1', version: 1, updatedAt: 1000 } },
    ])
    expect((await pull({ clientId: 'client-b' })).body).toMatchObject({ lastApplied: 'op-3', answered: [] })
    expect((await pull({ clientId: 'client-new' })).body.lastApplied).toBeNull()
  })

  it('writes the client row in the transaction of the change: a refused-as-bad operation leaves it as it was', async () => {
    await push([op('op-1', 'create', 't1', { id: 't1' })], 'alice', 'c')
    await push([op('op-2', 'update', 't1', 'not an object' as never)], 'alice', 'c')
    expect((await pull({ clientId: 'c', unanswered: ['op-2'] })).body).toMatchObject({ lastApplied: 'op-1', answered: [] })
  })
})
