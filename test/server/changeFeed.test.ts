import { describe, expect, it, vi } from 'vitest'
import { applyOperation } from '../../src/server/applyOperation'
import { onPostgres, op, useTestServer } from './support/testServer'

const t = useTestServer('feed', { now: () => 5, pageSize: 3 })
const push = (operations: unknown[], token = 'alice') => t.json('POST', '/sync/push', { token, body: { clientId: 'c', operations } })
const pull = (body: Record<string, unknown> = {}, token = 'alice') => t.json('POST', '/sync/pull', { token, body: { collection: 'todos', ...body } })
const create = (id: string, extra: Record<string, unknown> = {}) => op(`create-${id}`, 'create', id, { id, ...extra })

describe('the change feed', () => {
  it('gives each changed record once, as it is now, in the order of its latest change', async () => {
    await push([create('a'), create('b'), create('c'), op('u1', 'update', 'a', { n: 1 })])
    const { body } = await pull({ limit: 10 })
    expect(body.changes.map((change: { id: string }) => change.id)).toEqual(['b', 'c', 'a'])
    expect(body.changes[2].record).toMatchObject({ id: 'a', n: 1, version: 2 })
    expect(body).toMatchObject({ hasMore: false, cursor: '4' })
  })

  it('pages with a cursor the client persists, never more than pageSize, and skips nothing', async () => {
    await push(['a', 'b', 'c', 'd', 'e'].map((id) => create(id)))
    const first = await pull({ limit: 100 })
    expect(first.body).toMatchObject({ hasMore: true, cursor: '3' })
    expect(first.body.changes).toHaveLength(3)
    await push([op('u1', 'update', 'a', { n: 1 })])
    const second = await pull({ cursor: first.body.cursor })
    expect(second.body.changes.map((change: { id: string }) => change.id)).toEqual(['d', 'e', 'a'])
    expect(second.body).toMatchObject({ hasMore: false, cursor: '6' })
    expect((await pull({ cursor: '6' })).body).toMatchObject({ changes: [], cursor: '6', hasMore: false })
  })

  it('pages past sequence 9 in number order, not text order (regression: ORDER BY the text alias skipped and repeated records)', async () => {
    const ids = Array.from({ length: 12 }, (_, index) => `r${index + 1}`)
    await push(ids.map((id) => create(id)))
    const seen: string[] = []
    let cursor: string | null = null
    for (let page = 0; page < 10; page += 1) {
      const { body } = await pull({ limit: 2, ...(cursor === null ? {} : { cursor }) })
      seen.push(...body.changes.map((change: { id: string }) => change.id))
      cursor = body.cursor
      if (!body.hasMore) break
    }
    expect(seen).toEqual(ids)
    expect(cursor).toBe('12')
  })

  it('sends a tombstone to a client past the record, and none to a first pull or a client that never saw it', async () => {
    await push([create('a'), create('b')])
    const seen = (await pull()).body.cursor
    await push([op('d1', 'delete', 'a', null, 1), create('c'), op('d2', 'delete', 'c', null, 1)])
    expect((await pull({ cursor: seen })).body.changes).toEqual([{ id: 'a', record: null }])
    expect((await pull()).body.changes.map((change: { id: string }) => change.id)).toEqual(['b'])
  })

  it('filters by params and sends a tombstone when a record leaves the filter', async () => {
    await push([create('a', { listId: '1' }), create('b', { listId: '2' }), create('c', { listId: 1 })])
    const first = await pull({ params: { listId: '1' } })
    expect(first.body.changes.map((change: { id: string }) => change.id)).toEqual(['a', 'c'])
    await push([op('m', 'update', 'a', { listId: '2' }, 1)])
    expect((await pull({ cursor: first.body.cursor, params: { listId: '1' } })).body.changes).toEqual([{ id: 'a', record: null }])
    // The REST pull reads the same parameters from the query string.
    expect((await t.json('GET', '/todos?listId=2')).body.changes.map((change: { id: string }) => change.id)).toEqual(['b', 'a'])
  })

  it('answers 410 for a cursor ahead of the server (its data was reset), and 400 for one that is not a cursor', async () => {
    await push([create('a')])
    expect(await pull({ cursor: '99' })).toMatchObject({ status: 410, body: { error: { code: 'cursor-ahead' } } })
    expect(await pull({ cursor: 'abc' })).toMatchObject({ status: 400 })
    expect((await t.json('GET', '/todos?since=99')).status).toBe(410)
  })

  it('keeps each scope its own sequence', async () => {
    await push([create('a'), create('b')], 'alice')
    await push([create('x')], 'bob')
    expect((await pull({}, 'bob')).body).toMatchObject({ cursor: '1', changes: [{ id: 'x' }] })
  })

  it.runIf(onPostgres)('never skips a change committed later with a lower sequence (two concurrent transactions)', async () => {
    const context = { scope: 'alice', userId: 'alice', clientId: null, collections: undefined, versionField: 'version', updatedAtField: null, now: () => 5 }
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    let firstApplied!: () => void
    const applied = new Promise<void>((resolve) => (firstApplied = resolve))
    // Transaction 1 takes sequence 1 and stays open.
    const slow = t.db.transaction(async (tx) => {
      await applyOperation(tx, context, { key: 'slow', collection: 'todos', recordId: 'slow', kind: 'create', data: { id: 'slow' }, ifMatch: null })
      firstApplied()
      await held
    })
    await applied
    // Transaction 2 (a push) starts while 1 is open: it must wait for 1, and so gets sequence 2.
    const fast = push([create('fast')])
    await vi.waitFor(async () => {
      const { rows } = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()")
      expect(Number(rows[0]!.n)).toBe(1)
    })
    // A reader now sees neither (head 0): its cursor cannot pass the change still in flight.
    const during = await pull()
    expect(during.body).toMatchObject({ changes: [], cursor: '0' })
    release()
    await slow
    expect((await fast).body.results[0].status).toBe(201)
    const after = await pull({ cursor: during.body.cursor })
    expect(after.body.changes.map((change: { id: string }) => change.id)).toEqual(['slow', 'fast'])
    expect(after.body.cursor).toBe('2')
  })

  it.runIf(onPostgres)('applies an operation sent twice at once only once (the second waits on the key and replays)', async () => {
    await push([create('a')])
    const [one, two] = await Promise.all([push([op('same', 'update', 'a', { n: 1 }, 1)]), push([op('same', 'update', 'a', { n: 1 }, 1)])])
    expect(one.body).toEqual(two.body)
    expect((await t.json('GET', '/todos/a')).body).toMatchObject({ n: 1, version: 2 })
  })
})
