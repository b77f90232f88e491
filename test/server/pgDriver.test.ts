import { EventEmitter } from 'node:events'
import type { Pool } from 'pg'
import { describe, expect, it, vi } from 'vitest'
import { createPgDriver } from '../../src/server'

/** A stand-in for pg's Pool that logs each client's statements; `failOn` makes a statement throw. */
function fakePool(failOn: (sql: string) => boolean = () => false) {
  const log: string[] = []
  const clients: Array<EventEmitter & { released: unknown[] }> = []
  let n = 0
  const pool = Object.assign(new EventEmitter(), {
    async connect() {
      const id = ++n
      const client = Object.assign(new EventEmitter(), {
        released: [] as unknown[],
        async query(sql: string, params?: unknown[]) {
          log.push(`${id}: ${sql}${params?.length ? ` ${JSON.stringify(params)}` : ''}`)
          if (failOn(sql)) throw new Error(`failed: ${sql}`)
          return { rows: [{ sql }] }
        },
        release(error?: unknown) {
          client.released.push(error ?? 'ok')
        },
      })
      clients.push(client)
      return client
    },
    async query(sql: string, params?: unknown[]) {
      log.push(`pool: ${sql}${params?.length ? ` ${JSON.stringify(params)}` : ''}`)
      return { rows: [] }
    },
    end: vi.fn(async () => {}),
  })
  return { pool: pool as unknown as Pool, log, clients }
}

describe('createPgDriver (on a stand-in Pool)', () => {
  it('runs a transaction on one client: BEGIN, savepoints, COMMIT, and sends objects as JSON', async () => {
    const { pool, log, clients } = fakePool()
    const db = await createPgDriver({ pool })
    await db.transaction(async (tx) => {
      await tx.query('SELECT $1, $2', [{ a: 1 }, ['x']])
      await tx.savepoint((sp) => sp.query('ONE'))
      await expect(tx.savepoint(async () => Promise.reject(new Error('refused')))).rejects.toThrow('refused')
    })
    expect(log).toEqual([
      '1: BEGIN',
      '1: SELECT $1, $2 ["{\\"a\\":1}",["x"]]',
      '1: SAVEPOINT rtk_sp_1',
      '1: ONE',
      '1: RELEASE SAVEPOINT rtk_sp_1',
      '1: SAVEPOINT rtk_sp_2',
      '1: ROLLBACK TO SAVEPOINT rtk_sp_2',
      '1: RELEASE SAVEPOINT rtk_sp_2',
      '1: COMMIT',
    ])
    expect(clients[0]!.released).toEqual(['ok'])
    await db.close()
    expect(pool.end).not.toHaveBeenCalled()
  })

  it('rolls back on failure, and drops a client whose ROLLBACK failed', async () => {
    const { pool, log, clients } = fakePool((sql) => sql === 'ROLLBACK')
    const db = await createPgDriver({ pool })
    await expect(db.transaction(async () => Promise.reject(new Error('work failed')))).rejects.toThrow('work failed')
    expect(log).toEqual(['1: BEGIN', '1: ROLLBACK'])
    expect(clients[0]!.released).toEqual([expect.objectContaining({ message: 'failed: ROLLBACK' })])
  })

  it('listens on a connection of its own, listens again when it breaks, and stops', async () => {
    vi.useFakeTimers()
    try {
      const { pool, log, clients } = fakePool()
      const db = await createPgDriver({ pool })
      const payloads: string[] = []
      const stop = await db.listen!('chan"nel', (payload) => payloads.push(payload))
      clients[0]!.emit('notification', { channel: 'chan"nel', payload: 'one' })
      clients[0]!.emit('notification', { channel: 'other', payload: 'no' })
      clients[0]!.emit('error', new Error('connection lost'))
      await vi.advanceTimersByTimeAsync(1_000)
      clients[1]!.emit('notification', { channel: 'chan"nel', payload: 'two' })
      expect(payloads).toEqual(['one', 'two'])
      await stop()
      expect(log).toEqual(['1: LISTEN "chan""nel"', '2: LISTEN "chan""nel"', '2: UNLISTEN "chan""nel"'])
      expect(clients.map((client) => client.released.length)).toEqual([1, 1])
    } finally {
      vi.useRealTimers()
    }
  })

  it('needs a connection string or a pool', async () => {
    await expect(createPgDriver({ connectionString: '' })).rejects.toThrow(/DATABASE_URL/)
  })
})
