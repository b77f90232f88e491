import { describe, expect, it } from 'vitest'
import { useTestServer } from './support/testServer'

const t = useTestServer('rest', { now: () => 42 })

describe('the REST routes', () => {
  it('creates, reads, patches and deletes with versions and ETags', async () => {
    const created = await t.json('POST', '/todos', { body: { id: 't1', title: 'a', tags: ['x'] } })
    expect(created).toMatchObject({ status: 201, body: { id: 't1', title: 'a', tags: ['x'], version: 1, updatedAt: 42 } })
    expect(created.headers.get('ETag')).toBe('"1"')
    const read = await t.json('GET', '/todos/t1')
    expect(read).toMatchObject({ status: 200, body: created.body })
    const patched = await t.json('PATCH', '/todos/t1', { body: { title: 'b', tags: null, meta: { a: 1 } }, headers: { 'If-Match': '"1"' } })
    expect(patched).toMatchObject({ status: 200, body: { id: 't1', title: 'b', meta: { a: 1 }, version: 2 } })
    expect(patched.body).not.toHaveProperty('tags')
    expect(patched.headers.get('ETag')).toBe('"2"')
    const removed = await t.request('DELETE', '/todos/t1', { headers: { 'If-Match': 'W/"2"' } })
    expect(removed.status).toBe(204)
    expect((await t.json('GET', '/todos/t1')).status).toBe(404)
  })

  it('answers 412 with the current record when If-Match names another version', async () => {
    await t.json('POST', '/todos', { body: { id: 't1', title: 'a' } })
    await t.json('PATCH', '/todos/t1', { body: { title: 'b' } })
    const stale = await t.json('PATCH', '/todos/t1', { body: { title: 'c' }, headers: { 'If-Match': '"1"' } })
    expect(stale).toMatchObject({ status: 412, body: { id: 't1', title: 'b', version: 2 } })
    expect(stale.headers.get('ETag')).toBe('"2"')
    expect((await t.request('DELETE', '/todos/t1', { headers: { 'If-Match': '"1"' } })).status).toBe(412)
    expect((await t.json('GET', '/todos/t1')).body.title).toBe('b')
  })

  it('answers 409 with the current record for a create of an existing id, 404 for a write to a missing one', async () => {
    await t.json('POST', '/todos', { body: { id: 't1', title: 'a' } })
    expect(await t.json('POST', '/todos', { body: { id: 't1', title: 'again' } })).toMatchObject({ status: 409, body: { title: 'a', version: 1 } })
    expect(await t.json('PATCH', '/todos/none', { body: { a: 1 } })).toMatchObject({ status: 404, body: { error: { code: 'not-found' } } })
    expect((await t.request('DELETE', '/todos/none')).status).toBe(404)
  })

  it('replays a write sent again under its Idempotency-Key, and refuses the key for another write', async () => {
    const headers = { 'Idempotency-Key': 'k1' }
    const first = await t.json('POST', '/todos', { body: { id: 't1', title: 'a' }, headers })
    await t.json('PATCH', '/todos/t1', { body: { title: 'b' } })
    const again = await t.json('POST', '/todos', { body: { id: 't1', title: 'a' }, headers })
    expect(again).toMatchObject({ status: 201, body: first.body })
    expect(again.headers.get('ETag')).toBe('"1"')
    const other = await t.json('PATCH', '/todos/t1', { body: { title: 'z' }, headers })
    expect(other).toMatchObject({ status: 422, body: { error: { code: 'idempotency-mismatch' } } })
    expect((await t.json('GET', '/todos/t1')).body.title).toBe('b')
  })

  it('pulls with ?since=&limit= in the shape the REST adapter reads', async () => {
    for (const id of ['a', 'b', 'c']) await t.json('POST', '/todos', { body: { id } })
    const first = await t.json('GET', '/todos?limit=2')
    expect(first.body).toEqual({ changes: [expect.objectContaining({ id: 'a' }), expect.objectContaining({ id: 'b' })], cursor: '2', hasMore: true })
    expect((await t.json('GET', `/todos?since=${first.body.cursor}&limit=2`)).body).toMatchObject({ changes: [{ id: 'c' }], cursor: '3', hasMore: false })
  })
})
