import { describe, expect, it, vi } from 'vitest'
import type { StandardSchemaV1 } from '@standard-schema/spec'
import { createSyncServer } from '../../src/server'
import { baseUrl, bearerAuth, onPostgres, op, openSecondDriver, useTestServer } from './support/testServer'

/**
 * How a batch push is applied set-based (applyBatch): the answers must be those of applying each
 * operation in order in its own savepoint, the feed and the idempotency rows as if it had.
 */

/** A title, when there is one, must be a string; a title "throw" makes the schema itself throw (a bug in it). */
const todoSchema: StandardSchemaV1<Record<string, unknown>> = {
  '~standard': {
    version: 1,
    vendor: 'test',
    validate: (value) => {
      const { title } = value as { title?: unknown }
      if (title === 'throw') throw new Error('the schema broke')
      return title === undefined || typeof title === 'string'
        ? { value: value as Record<string, unknown> }
        : { issues: [{ message: 'title must be a string', path: ['title'] }] }
    },
  },
}

const errors: unknown[] = []
const options = { now: () => 1000, collections: { todos: { schema: todoSchema } } }
const t = useTestServer('batch_push', { ...options, onError: (error) => errors.push(error) })
const push = (operations: unknown[], clientId = 'c1') => t.json('POST', '/sync/push', { body: { clientId, operations } })
const pull = (body: Record<string, unknown> = {}) => t.json('POST', '/sync/pull', { body: { collection: 'todos', ...body } })
const statuses = (body: { results: { status: number }[] }) => body.results.map((result) => result.status)
/** Every row of the server's tables, to show that a request wrote nothing. */
const snapshot = async () => {
  const tables: Record<string, unknown[]> = {}
  for (const table of ['scopes', 'records', 'idempotency', 'clients'])
    tables[table] = (await t.db.query(`SELECT * FROM rtk_offline_${table} AS row ORDER BY row::text`)).rows
  return tables
}
const feedRow = async (id: string) =>
  (await t.db.query<{ seq: string; born_seq: string; version: number }>(
    "SELECT seq::text AS seq, born_seq::text AS born_seq, version FROM rtk_offline_records WHERE scope = 'alice' AND id = $1",
    [id],
  )).rows[0]

describe('a batch push, applied set-based', () => {
  it('answers a key repeated in one batch as a replay of its first operation, and 422 when the body differs', async () => {
    const { body } = await push([
      op('k1', 'create', 't1', { id: 't1', title: 'a' }),
      op('k1', 'create', 't1', { id: 't1', title: 'a' }),
      op('k1', 'update', 't1', { title: 'b' }, 1),
    ])
    expect(body.results).toEqual([
      { id: 'k1', status: 201, record: { id: 't1', title: 'a', version: 1, updatedAt: 1000 } },
      { id: 'k1', status: 201, record: { id: 't1', title: 'a', version: 1, updatedAt: 1000 } },
      { id: 'k1', status: 422, error: { code: 'idempotency-mismatch', message: expect.stringContaining('k1') } },
    ])
    expect((await t.json('GET', '/todos/t1')).body).toMatchObject({ title: 'a', version: 1 })
    expect(await t.count('idempotency')).toBe(1)
    expect((await pull()).body.cursor).toBe('1')
  })

  it('applies a key again later in the batch when its first operation was refused by the schema (the key stayed free)', async () => {
    const { body } = await push([op('k1', 'create', 't1', { id: 't1', title: 5 }), op('k1', 'create', 't1', { id: 't1', title: 'ok' })])
    expect(statuses(body)).toEqual([422, 201])
    expect(body.results[0].error.code).toBe('validation-failed')
    const again = await push([op('k1', 'create', 't1', { id: 't1', title: 'ok' })])
    expect(again.body.results[0]).toEqual(body.results[1])
  })

  it('shows a record created, updated and deleted in one batch once in the feed, at its last change', async () => {
    await push([op('k0', 'create', 'old', { id: 'old', title: 'o' })]) // sequence 1
    const { body } = await push([
      op('k1', 'create', 't1', { id: 't1', title: 'a' }), // 2
      op('k2', 'update', 'old', { title: 'p' }, 1), // 3
      op('k3', 'update', 't1', { title: 'b' }, 1), // 4
      op('k4', 'create', 't2', { id: 't2', title: 'c' }), // 5
      op('k5', 'delete', 't1', null, 2), // 6
      op('k6', 'delete', 'old', null, 2), // 7
    ])
    expect(body.results).toEqual([
      { id: 'k1', status: 201, record: { id: 't1', title: 'a', version: 1, updatedAt: 1000 } },
      { id: 'k2', status: 200, record: { id: 'old', title: 'p', version: 2, updatedAt: 1000 } },
      { id: 'k3', status: 200, record: { id: 't1', title: 'b', version: 2, updatedAt: 1000 } },
      { id: 'k4', status: 201, record: { id: 't2', title: 'c', version: 1, updatedAt: 1000 } },
      { id: 'k5', status: 204 },
      { id: 'k6', status: 204 },
    ])
    expect(await feedRow('t1')).toEqual({ seq: '6', born_seq: '2', version: 2 })
    expect(await feedRow('old')).toEqual({ seq: '7', born_seq: '1', version: 2 })
    // A client at 1 held "old", never t1 (born at 2): it learns of t2 and of old's deletion, each once, in order.
    expect((await pull({ cursor: '1' })).body).toMatchObject({
      changes: [
        { id: 't2', record: { id: 't2', title: 'c', version: 1 } },
        { id: 'old', record: null },
      ],
      cursor: '7',
    })
    // A client at 3 may hold t1 (born at 2): it gets its tombstone too.
    expect((await pull({ cursor: '3' })).body.changes.map((change: { id: string }) => change.id)).toEqual(['t2', 't1', 'old'])
    expect((await pull()).body.changes.map((change: { id: string }) => change.id)).toEqual(['t2'])
  })

  it('keeps the operations around a 412 in the middle of a batch, and stores the 412 for its replay', async () => {
    await push([op('k0', 'create', 't1', { id: 't1', title: 'a' })])
    const { body } = await push([
      op('k1', 'update', 't1', { title: 'b' }, 1),
      op('k2', 'update', 't1', { title: 'stale' }, 1),
      op('k3', 'update', 't1', { title: 'c' }, 2),
    ])
    expect(statuses(body)).toEqual([200, 412, 200])
    expect(body.results[1].record).toEqual({ id: 't1', title: 'b', version: 2, updatedAt: 1000 })
    expect((await t.json('GET', '/todos/t1')).body).toMatchObject({ title: 'c', version: 3 })
    expect(await feedRow('t1')).toMatchObject({ seq: '3', version: 3 })
    expect((await pull({ clientId: 'c1', unanswered: ['k2'] })).body).toMatchObject({ lastApplied: 'k3', answered: [{ id: 'k2', ...body.results[1] }] })
  })

  it('leaves the key of an operation the schema refuses mid-batch unclaimed, and applies the others', async () => {
    const { body } = await push([
      op('k1', 'create', 'a', { id: 'a', title: 'a' }),
      op('k2', 'update', 'a', { title: 5 }, 1),
      op('k3', 'create', 'b', { id: 'b', title: 'b' }),
    ])
    expect(statuses(body)).toEqual([201, 422, 201])
    expect(await t.count('idempotency')).toBe(2)
    expect((await pull({ clientId: 'c1', unanswered: ['k2'] })).body).toMatchObject({ lastApplied: 'k3', answered: [], cursor: '2' })
    // The key is free: the same operation id with a valid change is applied.
    expect((await push([op('k2', 'update', 'a', { title: 'fixed' }, 1)])).body.results[0]).toMatchObject({ status: 200, record: { version: 2 } })
  })

  it('answers a whole batch sent again with identical results and writes nothing', async () => {
    await push([op('k0', 'create', 'gone', { id: 'gone' }), op('k00', 'create', 'kept', { id: 'kept' })])
    const batch = [
      op('k1', 'create', 't1', { id: 't1', title: 'a' }),
      op('k2', 'update', 't1', { title: 'b' }, 7),
      op('k3', 'update', 'nope', { title: 'x' }),
      op('k4', 'create', 'kept', { id: 'kept' }),
      op('k5', 'delete', 'gone', null, 1),
      op('k6', 'update', 't1', { title: 'c' }, 1),
      op('k7', 'update', 't1', { title: 5 }),
    ]
    const first = await push(batch)
    expect(statuses(first.body)).toEqual([201, 412, 404, 409, 204, 200, 422])
    const before = await snapshot()
    await push([op('k8', 'create', 'other', { id: 'other' })], 'c2') // another client in between
    const between = await snapshot()
    const again = await push(batch)
    expect(again.body.results.slice(0, 6)).toEqual(first.body.results.slice(0, 6))
    // The schema refusal wrote nothing, so it is decided anew: refused again, still nothing written.
    expect(again.body.results[6]).toEqual(first.body.results[6])
    expect(await snapshot()).toEqual(between)
    expect(before.records).not.toEqual(between.records)
  })

  it('applies the new keys of a batch and answers its replayed ones from their rows', async () => {
    const first = await push([op('a', 'create', 't1', { id: 't1', title: 'a' }), op('b', 'create', 't2', { id: 't2' })])
    const { body } = await push([
      op('a', 'create', 't1', { id: 't1', title: 'a' }),
      op('c', 'update', 't1', { title: 'c' }, 1),
      op('b', 'create', 't2', { id: 't2', title: 'other' }),
      op('d', 'update', 't1', { title: 'd' }, 2),
      op('a', 'create', 't1', { id: 't1', title: 'a' }),
    ])
    expect(body.results[0]).toEqual(first.body.results[0])
    expect(body.results[1]).toMatchObject({ status: 200, record: { title: 'c', version: 2 } })
    expect(body.results[2]).toMatchObject({ status: 422, error: { code: 'idempotency-mismatch' } })
    expect(body.results[3]).toMatchObject({ status: 200, record: { title: 'd', version: 3 } })
    expect(body.results[4]).toEqual(first.body.results[0])
    expect((await pull({ clientId: 'c1' })).body).toMatchObject({ lastApplied: 'd', cursor: '4' })
    expect(await t.count('idempotency')).toBe(4)
  })

  it('falls back to one savepoint per operation when the batch path fails: only the failing operation answers 503', async () => {
    errors.length = 0
    const { body } = await push([
      op('k1', 'create', 'a', { id: 'a', title: 'a' }),
      op('k2', 'create', 'b', { id: 'b', title: 'throw' }),
      op('k3', 'update', 'a', { title: 'b' }, 1),
    ])
    expect(statuses(body)).toEqual([201, 503, 200])
    expect(errors.length).toBeGreaterThanOrEqual(1)
    expect(await t.count('idempotency')).toBe(2)
    expect((await pull()).body).toMatchObject({ changes: [{ id: 'a', record: { title: 'b', version: 2 } }], cursor: '2' })
  })

  it.runIf(onPostgres)('queues two instances sending the same key at the scope lock, so the second answers the first\'s result', async () => {
    // Two instances, each its own pool (as two processes), named so this test finds its sessions.
    const name = 'rtk_batch_push_same_key'
    const instances = await Promise.all([0, 1].map(async () => {
      const db = await openSecondDriver('batch_push', name)
      return { db, server: await createSyncServer({ db, authenticate: bearerAuth, ...options }) }
    }))
    try {
      await push([op('k0', 'create', 'a', { id: 'a', title: 'a' })])
      const same = [op('k1', 'update', 'a', { title: 'b' }, 1), op('k2', 'create', 'b', { id: 'b', title: 'b' })]
      const send = (index: number) =>
        instances[index]!.server.fetch(
          new Request(`${baseUrl}/sync/push`, {
            method: 'POST',
            headers: { Authorization: 'Bearer alice', 'Content-Type': 'application/json' },
            body: JSON.stringify({ clientId: `c${index}`, operations: same }),
          }),
        )
      // Hold the scope's row, as a writer of the scope in the middle of its transaction does.
      let release!: () => void
      const held = new Promise<void>((resolve) => (release = resolve))
      let locked!: () => void
      const isLocked = new Promise<void>((resolve) => (locked = resolve))
      const holder = t.db.transaction(async (tx) => {
        await tx.query("SELECT seq FROM rtk_offline_scopes WHERE scope = 'alice' FOR UPDATE")
        locked()
        await held
      })
      await isLocked
      const answers = [send(0), send(1)] as const
      // Both wait at the scope lock (lockScope's upsert), before either has claimed a key.
      await vi.waitFor(async () => {
        const { rows } = await t.db.query<{ query: string }>(
          "SELECT query FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'",
          [name],
        )
        expect(rows.map((row) => row.query.includes('INSERT INTO rtk_offline_scopes'))).toEqual([true, true])
      })
      expect(await t.count('idempotency')).toBe(1)
      release()
      await holder
      const read = async (answer: Promise<Response>) => (await (await answer).json()) as { results: unknown[] }
      const [one, two] = await Promise.all([read(answers[0]), read(answers[1])])
      expect(one.results).toEqual(two.results)
      expect(one.results).toMatchObject([{ status: 200, record: { version: 2 } }, { status: 201 }])
      expect((await pull()).body.cursor).toBe('3')
    } finally {
      for (const { server, db } of instances) {
        await server.close()
        await db.close()
      }
    }
  })
})
