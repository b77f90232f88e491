import { describe, expect, it } from 'vitest'
import { op, useTestServer } from './support/testServer'

const t = useTestServer('isolation')
const push = (token: string, operations: unknown[], clientId = 'c') => t.json('POST', '/sync/push', { token, body: { clientId, operations } })
const pull = (token: string, body: Record<string, unknown> = {}) => t.json('POST', '/sync/pull', { token, body: { collection: 'todos', ...body } })

describe("one scope never reads or changes another's rows", () => {
  it('answers 401 without credentials, and reads nothing', async () => {
    expect(await t.json('GET', '/todos', { token: null })).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } })
    expect((await t.json('POST', '/sync/push', { token: null, body: { clientId: 'c', operations: [op('o', 'create', 'x', { id: 'x' })] } })).status).toBe(401)
    expect(await t.count('records')).toBe(0)
  })

  it("keeps B's records from A on every REST route", async () => {
    await t.json('POST', '/todos', { token: 'bob', body: { id: 'secret', title: "bob's" } })
    expect((await t.json('GET', '/todos/secret', { token: 'alice' })).status).toBe(404)
    expect((await t.json('GET', '/todos', { token: 'alice' })).body.changes).toEqual([])
    expect((await t.json('PATCH', '/todos/secret', { token: 'alice', body: { title: 'mine' } })).status).toBe(404)
    expect((await t.request('DELETE', '/todos/secret', { token: 'alice' })).status).toBe(404)
    // A create of the same id makes A's own record; B's is untouched.
    expect((await t.json('POST', '/todos', { token: 'alice', body: { id: 'secret', title: "alice's" } })).status).toBe(201)
    expect((await t.json('GET', '/todos/secret', { token: 'bob' })).body).toMatchObject({ title: "bob's", version: 1 })
  })

  it("keeps B's records from A in the batch push and the pull", async () => {
    await push('bob', [op('b1', 'create', 's', { id: 's', title: "bob's" })])
    const { body } = await push('alice', [op('a1', 'update', 's', { title: 'x' }), op('a2', 'delete', 's')])
    expect(body.results.map((result: { status: number }) => result.status)).toEqual([404, 404])
    expect((await pull('alice')).body).toMatchObject({ changes: [], cursor: '0' })
    expect((await pull('bob')).body.changes).toEqual([{ id: 's', record: expect.objectContaining({ title: "bob's", version: 1 }) }])
  })

  it("does not leak B's stored result to A reusing B's idempotency key, nor B's client row", async () => {
    await push('bob', [op('shared-key', 'create', 's', { id: 's', title: "bob's" })], 'same-client')
    // Same key, same body: A's operation is applied in A's scope, not answered with B's result.
    const same = await push('alice', [op('shared-key', 'create', 's', { id: 's', title: "bob's" })])
    expect(same.body.results[0]).toMatchObject({ status: 201, record: { id: 's' } })
    // Same key, another body: not a mismatch with B's row either.
    const other = await push('carol', [op('shared-key', 'create', 'z', { id: 'z' })])
    expect(other.body.results[0].status).toBe(201)
    const { body } = await pull('dave', { clientId: 'same-client', unanswered: ['shared-key'] })
    expect(body).toMatchObject({ answered: [], lastApplied: null, changes: [] })
  })

  it('shares a scope between the users authenticate puts in it', async () => {
    await push('alice@team', [op('a1', 'create', 'shared', { id: 'shared' })])
    expect((await t.json('GET', '/todos/shared', { token: 'bob@team' })).status).toBe(200)
    expect((await t.json('GET', '/todos/shared', { token: 'bob' })).status).toBe(404)
  })
})
