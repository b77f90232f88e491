import { describe, expect, it } from 'vitest'
import type { StandardSchemaV1 } from '@standard-schema/spec'
import { op, useTestServer } from './support/testServer'

/** A Standard Schema by hand: a todo needs a string title. */
const todoSchema: StandardSchemaV1<Record<string, unknown>> = {
  '~standard': {
    version: 1,
    vendor: 'test',
    validate: (value) =>
      typeof (value as { title?: unknown }).title === 'string'
        ? { value: value as Record<string, unknown> }
        : { issues: [{ message: 'title must be a string', path: ['title'] }] },
  },
}

const t = useTestServer('bad_input', { collections: { todos: { schema: todoSchema }, notes: {} }, bodyLimitBytes: 2_000, maxBatch: 3 })
const push = (body: unknown) => t.json('POST', '/sync/push', { body })
const nothingWritten = async () => {
  expect(await t.count('records')).toBe(0)
  expect(await t.count('idempotency')).toBe(0)
}

describe('bad input answers a clear 4xx and writes nothing', () => {
  it('refuses malformed JSON', async () => {
    for (const [method, path] of [['POST', '/sync/push'], ['POST', '/sync/pull'], ['POST', '/todos'], ['PATCH', '/todos/a']])
      expect(await t.json(method!, path!, { body: '{"clientId": ' })).toMatchObject({ status: 400, body: { error: { code: 'malformed-json', message: expect.any(String) } } })
    await nothingWritten()
  })

  it('refuses a body over the limit with 413', async () => {
    const big = 'x'.repeat(3_000)
    expect(await push({ clientId: 'c', operations: [op('o', 'create', 'a', { id: 'a', title: big })] })).toMatchObject({
      status: 413,
      body: { error: { code: 'body-too-large' } },
    })
    expect((await t.json('POST', '/todos', { body: { id: 'a', title: big } })).status).toBe(413)
    await nothingWritten()
  })

  it('refuses a batch over maxBatch, or one that is not a batch, whole', async () => {
    const four = ['1', '2', '3', '4'].map((id) => op(id, 'create', id, { id, title: id }))
    expect(await push({ clientId: 'c', operations: four })).toMatchObject({ status: 400, body: { error: { code: 'batch-too-large' } } })
    expect(await push({ clientId: 'c' })).toMatchObject({ status: 400, body: { error: { code: 'bad-request' } } })
    expect(await push({ operations: [] })).toMatchObject({ status: 400, body: { error: { message: expect.stringContaining('clientId') } } })
    expect(await push({ clientId: 'c', operations: [op('ok', 'create', 'a', { id: 'a', title: 'a' }), { kind: 'create' }] })).toMatchObject({
      status: 400,
      body: { error: { message: expect.stringContaining('operations[1].id') } },
    })
    await nothingWritten()
  })

  it('refuses a bad operation of a batch on its own (400), applying the others', async () => {
    const { body } = await push({
      clientId: 'c',
      operations: [
        op('1', 'create', 'a', { id: 'a', title: 'ok' }),
        op('2', 'create', 'b', { id: 'b', title: 'x' }, null, 'unknown'),
        { ...op('3', 'create', 'c', { id: 'c', title: 'x' }), kind: 'upsert' },
      ],
    })
    expect(body.results).toEqual([
      expect.objectContaining({ id: '1', status: 201 }),
      { id: '2', status: 400, error: { code: 'unknown-collection', message: expect.stringContaining('"todos", "notes"') } },
      { id: '3', status: 400, error: { code: 'bad-request', message: expect.stringContaining('kind') } },
    ])
    const shapes = await push({
      clientId: 'c',
      operations: [
        op('4', 'create', '', { id: '', title: 'x' }),
        op('5', 'create', 'd', { id: 'other', title: 'x' }),
        op('6', 'update', 'a', ['not', 'a', 'patch'] as never),
      ],
    })
    expect(shapes.body.results.map((result: { status: number }) => result.status)).toEqual([400, 400, 400])
    expect(await t.count('records')).toBe(1)
  })

  it('refuses unknown collections on the REST routes with 400 (a 404 would confirm a delete)', async () => {
    expect(await t.json('GET', '/unknown')).toMatchObject({ status: 400, body: { error: { code: 'unknown-collection' } } })
    expect((await t.request('DELETE', '/unknown/1')).status).toBe(400)
    expect(await t.json('POST', '/todos', { body: { title: 'no id' } })).toMatchObject({ status: 400, body: { error: { message: expect.stringContaining('"id"') } } })
    expect((await t.json('POST', '/todos', { body: [1, 2] })).status).toBe(400)
    expect((await t.json('GET', '/todos?limit=0')).status).toBe(400)
    await nothingWritten()
  })

  it('refuses a record its schema does not accept with 422, after an update too', async () => {
    expect(await t.json('POST', '/todos', { body: { id: 'a', title: 1 } })).toMatchObject({
      status: 422,
      body: { error: { code: 'validation-failed', message: expect.stringContaining('title: title must be a string') } },
    })
    await nothingWritten()
    await t.json('POST', '/todos', { body: { id: 'a', title: 'ok' } })
    const { body } = await push({ clientId: 'c', operations: [op('u', 'update', 'a', { title: null }, 1)] })
    expect(body.results[0]).toMatchObject({ status: 422, error: { code: 'validation-failed' } })
    expect((await t.json('GET', '/todos/a')).body).toMatchObject({ title: 'ok', version: 1 })
    // Not stored: the key is free for the corrected operation.
    expect((await push({ clientId: 'c', operations: [op('u', 'update', 'a', { title: 'fixed' }, 1)] })).body.results[0].status).toBe(200)
  })

  it('refuses a pull that is not one', async () => {
    expect((await t.json('POST', '/sync/pull', { body: { collection: 'todos', limit: 0 } })).status).toBe(400)
    expect((await t.json('POST', '/sync/pull', { body: { collection: 'todos', unanswered: 'x' } })).status).toBe(400)
    expect((await t.json('POST', '/sync/pull', { body: { collection: 'todos', params: { a: { b: 1 } } } })).status).toBe(400)
    expect((await t.json('POST', '/sync/pull', { body: { collection: 'nope' } })).status).toBe(400)
    expect((await t.json('GET', '/nope/a/b')).status).toBe(404)
  })
})
