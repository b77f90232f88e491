import { configureStore } from '@reduxjs/toolkit'
import type { StandardSchemaV1 } from '@standard-schema/spec'
import { describe, expect, it, vi } from 'vitest'
import {
  createManualNetworkStatus,
  createOfflineSync,
  createRestAdapter,
  createSyncedEntity,
  createSyncProtocolAdapter,
  selectLocalId,
  selectServerId,
  serverAssignedIds,
} from 'rtk-offline'
import { createSyncServer, type SqlDriver } from '../../src/server'
import { baseUrl, bearerAuth, onPostgres, op, openSecondDriver, useTestServer } from './support/testServer'

/** An order's customer, when there is one, must be a string; a customer "throw" makes the schema itself throw (a bug in it). */
const orderSchema: StandardSchemaV1<Record<string, unknown>> = {
  '~standard': {
    version: 1,
    vendor: 'test',
    validate: (value) => {
      const { customer } = value as { customer?: unknown }
      if (customer === 'throw') throw new Error('the schema broke')
      return customer === undefined || typeof customer === 'string'
        ? { value: value as Record<string, unknown> }
        : { issues: [{ message: 'customer must be a string', path: ['customer'] }] }
    },
  },
}

const collections = { orders: { assignIds: true, schema: orderSchema }, shipments: {} }
const errors: unknown[] = []
const t = useTestServer('assign_ids', { now: () => 7, collections, onError: (error) => errors.push(error) })
const push = (operations: unknown[], token = 'alice') => t.json('POST', '/sync/push', { token, body: { clientId: 'c1', operations } })
const order = (id: string, key: string, data: Record<string, unknown> = {}) => op(key, 'create', id, { id, customer: 'Ada', ...data }, null, 'orders')
const idsOf = (body: { results: Array<{ record?: { id: unknown } }> }) => body.results.map((result) => result.record?.id)
const counter = async (scope: string, collection = 'orders') =>
  (await t.db.query<{ last_id: string }>('SELECT last_id::text AS last_id FROM rtk_offline_ids WHERE scope = $1 AND collection = $2', [scope, collection])).rows[0]
    ?.last_id

describe('server-assigned ids (collections: { orders: { assignIds: true } })', () => {
  it("numbers each scope's creates '1', '2', … as strings, storing the record under that id only", async () => {
    const first = await t.json('POST', '/orders', { body: { id: 'temp-a', customer: 'Ada' } })
    expect(first).toMatchObject({ status: 201, body: { id: '1', customer: 'Ada', version: 1, updatedAt: 7 } })
    expect(first.headers.get('ETag')).toBe('"1"')
    expect((await t.json('POST', '/orders', { body: { id: 'temp-b', customer: 'Bo' } })).body.id).toBe('2')
    // Another scope counts on its own.
    expect((await t.json('POST', '/orders', { token: 'eve', body: { id: 'temp-c', customer: 'Eve' } })).body.id).toBe('1')
    expect((await t.json('GET', '/orders/1')).body).toEqual({ id: '1', customer: 'Ada', version: 1, updatedAt: 7 })
    expect((await t.json('GET', '/orders/temp-a')).status).toBe(404)
    expect((await t.json('GET', '/orders')).body.changes).toEqual([
      { id: '1', record: expect.objectContaining({ customer: 'Ada' }) },
      { id: '2', record: expect.objectContaining({ customer: 'Bo' }) },
    ])
    // Updates and deletes name the server's id.
    expect((await t.json('PATCH', '/orders/2', { body: { customer: 'Bob' }, headers: { 'If-Match': '"1"' } })).body).toMatchObject({ id: '2', customer: 'Bob', version: 2 })
    expect((await t.request('DELETE', '/orders/1')).status).toBe(204)
    // A deleted record's id stays taken: the next create goes on.
    expect((await t.json('POST', '/orders', { body: { id: 'temp-d', customer: 'Cy' } })).body.id).toBe('3')
  })

  it("keeps the client's id in a collection without assignIds", async () => {
    expect((await t.json('POST', '/shipments', { body: { id: 's-uuid', orderId: '1' } })).body).toMatchObject({ id: 's-uuid', orderId: '1' })
    expect((await push([op('k1', 'create', 's2', { id: 's2' }, null, 'shipments')])).body.results).toEqual([
      { id: 'k1', status: 201, record: { id: 's2', version: 1, updatedAt: 7 } },
    ])
    expect(await counter('alice', 'shipments')).toBeUndefined()
  })

  it('takes a REST create without an id in the body', async () => {
    expect(await t.json('POST', '/orders', { body: { customer: 'Ada' } })).toMatchObject({ status: 201, body: { id: '1', customer: 'Ada' } })
    expect(await t.json('POST', '/orders', { body: { id: null, customer: 'Bo' } })).toMatchObject({ status: 201, body: { id: '2', customer: 'Bo' } })
    expect((await t.json('POST', '/shipments', { body: { orderId: '1' } })).status).toBe(400)
  })

  it('answers a create sent again under its Idempotency-Key with the same id, and takes no new one', async () => {
    const headers = { 'Idempotency-Key': 'k1' }
    const first = await t.json('POST', '/orders', { body: { id: 'temp-a', customer: 'Ada' }, headers })
    const again = await t.json('POST', '/orders', { body: { id: 'temp-a', customer: 'Ada' }, headers })
    expect(again).toEqual(first)
    expect(first.body.id).toBe('1')
    // The same operation by batch push (its answer lost, sent again by the protocol adapter) is the same replay.
    expect((await push([order('temp-a', 'k1')])).body.results).toEqual([{ id: 'k1', status: 201, record: first.body }])
    expect(await counter('alice')).toBe('1')
    expect((await push([order('temp-b', 'k2')])).body.results[0].record.id).toBe('2')
    expect((await push([order('temp-b', 'k2')])).body.results[0].record.id).toBe('2')
    expect(await t.count('records')).toBe(2)
    // Another operation under a used key is refused, and takes no id either.
    expect((await t.json('POST', '/orders', { body: { id: 'temp-x', customer: 'X' }, headers })).status).toBe(422)
    expect(await counter('alice')).toBe('2')
  })

  it('gives a batch of creates consecutive ids in operation order; a refused create and a key repeated in the batch take none', async () => {
    const { body } = await push([
      order('temp-a', 'k1'),
      order('temp-b', 'k2', { customer: 42 }),
      op('k3', 'create', 's1', { id: 's1' }, null, 'shipments'),
      order('temp-c', 'k4'),
      order('temp-a', 'k1'),
      order('temp-d', 'k5'),
    ])
    expect(body.results.map((result: { status: number }) => result.status)).toEqual([201, 422, 201, 201, 201, 201])
    expect(idsOf(body)).toEqual(['1', undefined, 's1', '2', '1', '3'])
    expect(await counter('alice')).toBe('3')
    // The refused create's key stays free: sent again, fixed, it is applied as new and takes the next id.
    expect(idsOf((await push([order('temp-b', 'k2')])).body)).toEqual(['4'])
    // A REST create refused by the schema takes none either.
    expect((await t.json('POST', '/orders', { body: { id: 'temp-e', customer: 1 } })).status).toBe(422)
    expect((await t.json('POST', '/orders', { body: { id: 'temp-e', customer: 'Ed' } })).body.id).toBe('5')
    // A pull's `answered` hands back the stored answer, the assigned id included (confirmation by pull).
    const pulled = await t.json('POST', '/sync/pull', { body: { collection: 'orders', clientId: 'c1', unanswered: ['k4'] } })
    expect(pulled.body.answered).toEqual([{ id: 'k4', status: 201, record: expect.objectContaining({ id: '2' }) }])
  })

  it('gives back the ids of a batch whose set-based path failed, and numbers its creates one by one instead', async () => {
    errors.length = 0
    const { body } = await push([order('temp-a', 'k1'), order('temp-b', 'k2', { customer: 'throw' }), order('temp-c', 'k3')])
    // The schema threw: the batch's savepoint (its ids included) was rolled back and each operation applied alone.
    expect(errors).toHaveLength(2)
    expect(body.results.map((result: { status: number }) => result.status)).toEqual([201, 503, 201])
    expect(idsOf(body)).toEqual(['1', undefined, '2'])
    expect(await counter('alice')).toBe('2')
    expect(idsOf((await push([order('temp-b', 'k2')])).body)).toEqual(['3'])
  })

  it('skips ids held already, such as records made with client ids before the collection assigned ids', async () => {
    const before = await createSyncServer({ db: t.db, authenticate: bearerAuth, collections: { orders: {} } })
    try {
      for (const id of ['2', '3']) await before.fetch(new Request(`${baseUrl}/orders`, { method: 'POST', headers: { Authorization: 'Bearer alice' }, body: JSON.stringify({ id }) }))
    } finally {
      await before.close()
    }
    await t.request('DELETE', '/orders/3')
    expect(idsOf((await push([order('temp-a', 'k1'), order('temp-b', 'k2'), order('temp-c', 'k3')])).body)).toEqual(['1', '4', '5'])
    expect((await t.json('POST', '/orders', { body: { id: 'temp-d' } })).body.id).toBe('6')
  })

  it('refuses an assignIds that is not a boolean, saying what to pass', async () => {
    await expect(createSyncServer({ db: t.db, authenticate: bearerAuth, collections: { orders: { assignIds: 'yes' as never } } })).rejects.toThrow(
      /collections\.orders\.assignIds must be true/,
    )
  })

  it('gives creates sent at once, to two server instances on one database, unique ids with none skipped', async () => {
    const secondDb: SqlDriver = onPostgres ? await openSecondDriver('assign_ids') : t.db
    const second = await createSyncServer({ db: secondDb, authenticate: bearerAuth, collections })
    try {
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, index) => {
          const server = index % 2 === 0 ? t.server : second
          const operations = index % 3 === 0 ? [order(`temp-${index}`, `k${index}`), order(`temp-${index}b`, `k${index}b`)] : [order(`temp-${index}`, `k${index}`)]
          return server.fetch(new Request(`${baseUrl}/sync/push`, { method: 'POST', headers: { Authorization: 'Bearer alice' }, body: JSON.stringify({ clientId: `c${index}`, operations }) }))
        }),
      )
      const ids = (await Promise.all(answers.map(async (response) => idsOf(await response.json())))).flat()
      expect(ids.map(Number).sort((a, b) => a - b)).toEqual(Array.from({ length: 16 }, (_, index) => index + 1))
    } finally {
      await second.close()
      if (secondDb !== t.db) await secondDb.close()
    }
  })
})

interface Order {
  id: string
  customer: string
  version?: number
  updatedAt?: number
}

interface Shipment {
  id: string
  orderId: string
  carrier: string
  version?: number
  updatedAt?: number
}

describe('a client store with serverAssignedIds() against the server', () => {
  it.each(['rest', 'protocol'] as const)('moves an order made offline to its server id, and the shipment referring to it (%s adapter)', async (kind) => {
    const sent: Array<{ url: string; body: string }> = []
    const serverFetch = async (input: string, init: RequestInit) => {
      sent.push({ url: input, body: typeof init.body === 'string' ? init.body : '' })
      return t.server.fetch(new Request(input, init))
    }
    const headers = { Authorization: 'Bearer alice' }
    const orders = createSyncedEntity<Order>({ name: 'orders', serverIds: serverAssignedIds() })
    const shipments = createSyncedEntity<Shipment>({ name: 'shipments', references: { orderId: 'orders' } })
    const network = createManualNetworkStatus(false)
    let n = 0
    const sync = createOfflineSync({
      entities: [orders, shipments],
      adapter:
        kind === 'rest'
          ? createRestAdapter({ baseUrl, fetch: serverFetch, headers })
          : createSyncProtocolAdapter({ baseUrl, fetch: serverFetch, headers, clientId: 'device-1' }),
      network,
      generateId: () => `op${++n}`,
      random: () => 0,
      pullIntervalMs: 0,
      retry: { baseDelayMs: 1, maxDelayMs: 5 },
    })
    const store = configureStore({
      reducer: { orders: orders.reducer, shipments: shipments.reducer, [sync.reducerPath]: sync.reducer },
      middleware: (getDefault) => getDefault().concat(sync.middleware),
    })
    try {
      // One order made online first, so the offline one is the server's second.
      await t.json('POST', '/orders', { body: { id: 'elsewhere', customer: 'Someone' } })
      store.dispatch(orders.actions.added({ id: 'temp-1', customer: 'Ada' }))
      store.dispatch(shipments.actions.added({ id: 's1', orderId: 'temp-1', carrier: 'post' }))
      store.dispatch(orders.actions.updated({ id: 'temp-1', changes: { customer: 'Ada L.' } }))
      expect(orders.selectors.selectIds(store.getState())).toEqual(['temp-1'])

      network.setOnline(true)
      await vi.waitFor(() => expect(sync.selectors.selectStatus(store.getState()).pending).toBe(0))

      const state = store.getState()
      // The pull after sending brought the other order in too; the temporary id is gone.
      expect([...orders.selectors.selectIds(state)].sort()).toEqual(['1', '2'])
      expect(orders.selectors.selectById(state, '2')).toEqual({ id: '2', customer: 'Ada L.', version: 1, updatedAt: 7 })
      expect(selectServerId(state, 'orders', 'temp-1')).toBe('2')
      expect(selectLocalId(state, 'orders', '2')).toBe('temp-1')
      expect(shipments.selectors.selectById(state, 's1')).toMatchObject({ orderId: '2', version: 1 })
      // The server holds one order for it, and the shipment refers to the server's id.
      expect((await t.json('GET', '/orders')).body.changes.map((change: { id: string }) => change.id)).toEqual(['1', '2'])
      expect((await t.json('GET', '/shipments/s1')).body).toMatchObject({ orderId: '2' })
      // The temporary id went out only as the order's own create, never in a reference.
      const naming = sent.filter((request) => request.body.includes('temp-1'))
      expect(naming).toHaveLength(1)
      expect(naming[0]!.body).not.toContain('shipments')
      expect(naming[0]!.body).not.toContain('orderId')
    } finally {
      sync.stop()
    }
  })
})
