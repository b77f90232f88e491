import { configureStore } from '@reduxjs/toolkit'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createManualNetworkStatus, createOfflineSync, createRestAdapter, createSyncedEntity, mergeFields } from 'rtk-offline'
import { createSyncServer, type SqlDriver, type SyncServer } from '../../src/server'
import { baseUrl, bearerAuth, onPostgres, openSecondDriver, useTestServer } from './support/testServer'

/**
 * Two server instances on one database (on PostgreSQL each with its own pool, as two processes have),
 * four devices of one team spread over them, and a network that loses answers after the server applied
 * the change and drops requests before they leave. Every change must be applied exactly once and every
 * device must end with the server's state.
 */
const t = useTestServer('two_instances')
let second: SyncServer
let secondDb: SqlDriver
beforeAll(async () => {
  secondDb = onPostgres ? await openSecondDriver('two_instances') : t.db
  second = await createSyncServer({ db: secondDb, authenticate: bearerAuth })
})
afterAll(async () => {
  await second.close()
  if (secondDb !== t.db) await secondDb.close()
})

interface Item {
  id: string
  version?: number
  updatedAt?: number
  [field: string]: unknown
}

/** A seeded generator (mulberry32), so the faults are the same on every run. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296
  }
}

const faults = { lost: 0, dropped: 0 }

function device(index: number) {
  const server = () => (index % 2 === 0 ? t.server : second)
  const roll = random(index + 1)
  // Lost answers and dropped requests, a fifth each, on writes and pulls alike.
  const flakyFetch = async (input: string, init: RequestInit): Promise<Response> => {
    const dice = roll()
    if (dice < 0.2) {
      faults.dropped += 1
      throw new TypeError('fetch failed (dropped before sending)')
    }
    const response = await server().fetch(new Request(input, init))
    if (dice < 0.4) {
      faults.lost += 1
      throw new TypeError('fetch failed (answer lost)')
    }
    return response
  }
  const items = createSyncedEntity<Item>({ name: 'items', conflict: mergeFields() })
  const network = createManualNetworkStatus(true)
  let n = 0
  const sync = createOfflineSync({
    entities: [items],
    adapter: createRestAdapter({ baseUrl, fetch: flakyFetch, headers: { Authorization: `Bearer u${index}@team` } }),
    network,
    generateId: () => `d${index}-op${++n}`,
    random: () => 0,
    pullIntervalMs: 0,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    circuitBreaker: { failureThreshold: 1_000, cooldownMs: 1 },
  })
  const store = configureStore({
    reducer: { items: items.reducer, [sync.reducerPath]: sync.reducer },
    middleware: (getDefault) => getDefault({ serializableCheck: false, immutableCheck: false }).concat(sync.middleware),
  })
  const status = () => sync.selectors.selectStatus(store.getState())
  return {
    store,
    items,
    sync,
    view: () => items.selectors.selectAll(store.getState()),
    settled: () => status().pending === 0 && status().inflight === 0 && status().conflicts === 0 && status().failed === 0,
    pullNow: () => store.dispatch(sync.actions.pullNow('items')),
  }
}

describe('two instances on one database', () => {
  it('apply every change exactly once and bring every device to the same state, through lost answers', async () => {
    const devices = [0, 1, 2, 3].map(device)
    try {
      const [first] = devices
      for (const id of ['r0', 'r1', 'r2']) first!.store.dispatch(first!.items.actions.added({ id, [`d0`]: 0 }))
      await vi.waitFor(() => expect(first!.settled()).toBe(true), { timeout: 20_000 })
      for (const each of devices) each.pullNow()
      await vi.waitFor(() => expect(devices.every((each) => each.view().length === 3)).toBe(true), { timeout: 20_000 })

      // Each device changes its own field of each record a few times: concurrent updates, merged field by field.
      for (let round = 1; round <= 3; round += 1)
        devices.forEach((each, index) => {
          for (const id of ['r0', 'r1', 'r2']) each.store.dispatch(each.items.actions.updated({ id, changes: { [`d${index}`]: round } }))
        })
      await vi.waitFor(() => expect(devices.every((each) => each.settled())).toBe(true), { timeout: 30_000 })

      // Exactly once: each applied update moved its record's version by one and left one stored answer.
      const { rows } = await t.db.query<{ applied: number; versions: number }>(
        `SELECT (SELECT count(*)::int FROM rtk_offline_idempotency WHERE status = 200) AS applied,
                (SELECT sum(version - 1)::int FROM rtk_offline_records) AS versions`,
      )
      expect(rows[0]!.applied).toBe(rows[0]!.versions)

      // Convergence: every device ends with the server's records, each device's last value in its own field.
      const page = await t.json('GET', '/items?limit=100', { token: 'u0@team' })
      const remote = page.body.changes.map((change: { record: Item }) => change.record)
      for (const record of remote) expect(record).toMatchObject({ d0: 3, d1: 3, d2: 3, d3: 3 })
      for (const each of devices) each.pullNow()
      await vi.waitFor(
        () => {
          for (const each of devices) expect(each.view()).toEqual(expect.arrayContaining(remote))
        },
        { timeout: 20_000 },
      )
      expect(faults.lost).toBeGreaterThan(0)
      console.log(
        `two instances: 4 devices, ${rows[0]!.applied} updates applied once each, ${faults.lost} answers lost, ${faults.dropped} requests dropped`,
      )
    } finally {
      for (const each of devices) each.sync.stop()
    }
  }, 60_000)
})
