import { describe, expect, it } from 'vitest'
import { createSyncServer, migrate, migrations, pruneIdempotency, SyncServerError } from '../../src/server'
import { SyncSetupError } from '../../src/core/errors'
import { bearerAuth, op, useTestServer } from './support/testServer'

let clock = 1_000
const t = useTestServer('setup', { now: () => clock })

describe('schema and setup', () => {
  it('migrates once: starting again applies nothing and keeps the data', async () => {
    await t.json('POST', '/todos', { body: { id: 'a' } })
    expect(await migrate(t.db)).toEqual([])
    const { rows } = await t.db.query<{ version: number }>('SELECT version FROM rtk_offline_migrations ORDER BY version')
    expect(rows.map((row) => Number(row.version))).toEqual(migrations.map((step) => step.version))
    const again = await createSyncServer({ db: t.db, authenticate: bearerAuth })
    await again.close()
    expect(await t.count('records')).toBe(1)
  })

  it('refuses bad options with a SyncSetupError that says what to pass', async () => {
    await expect(createSyncServer({ db: t.db } as never)).rejects.toThrow(SyncSetupError)
    await expect(createSyncServer({ authenticate: bearerAuth } as never)).rejects.toThrow(/createPgliteDriver/)
    await expect(createSyncServer({ db: t.db, authenticate: bearerAuth, maxBatch: 0 })).rejects.toThrow(/maxBatch/)
    await expect(createSyncServer({ db: t.db, authenticate: bearerAuth, collections: { sync: {} } })).rejects.toThrow(/"sync"/)
    await expect(createSyncServer({ db: t.db, authenticate: bearerAuth, versionField: 'id' })).rejects.toThrow(/versionField/)
  })

  it('answers 500 (nothing written) when authenticate throws or returns a bad identity, and reports it', async () => {
    const errors: unknown[] = []
    const broken = await createSyncServer({ db: t.db, authenticate: () => ({ userId: '' }), onError: (error) => errors.push(error) })
    const response = await broken.fetch(new Request('http://x/todos'))
    expect(response.status).toBe(500)
    expect(await response.json()).toEqual({ error: { code: 'server-error', message: expect.any(String) } })
    expect(errors).toHaveLength(1)
    await broken.close()
  })

  it('keeps a custom version field and can leave updatedAt alone', async () => {
    const custom = await createSyncServer({ db: t.db, authenticate: bearerAuth, versionField: 'rev', updatedAtField: null })
    const response = await custom.fetch(new Request('http://x/todos', { method: 'POST', headers: { Authorization: 'Bearer alice' }, body: JSON.stringify({ id: 'r' }) }))
    expect(await response.json()).toEqual({ id: 'r', rev: 1 })
    await custom.close()
  })

  it('prunes idempotency rows older than the retention, and only those', async () => {
    clock = 1_000
    await t.json('POST', '/sync/push', { body: { clientId: 'c', operations: [op('old', 'create', 'a', { id: 'a' })] } })
    clock = 50_000
    await t.json('POST', '/sync/push', { body: { clientId: 'd', operations: [op('new', 'create', 'b', { id: 'b' })] } })
    expect(await pruneIdempotency(t.db, { olderThanMs: 10_000, now: () => 55_000 })).toBe(1)
    const { rows } = await t.db.query<{ key: string }>('SELECT key FROM rtk_offline_idempotency')
    expect(rows).toEqual([{ key: 'new' }])
    expect(await t.count('clients')).toBe(1)
    expect(await t.count('records')).toBe(2)
  })

  it('names its errors with codes', () => {
    const error = new SyncServerError(410, 'cursor-ahead', 'pull again')
    expect(error).toMatchObject({ name: 'SyncServerError', status: 410, code: 'cursor-ahead' })
    expect(error.toBody()).toEqual({ error: { code: 'cursor-ahead', message: 'pull again' } })
  })
})

describe('docs/server.md', () => {
  it('documents every value rtk-offline/server exports', async () => {
    const { readFileSync } = await import('node:fs')
    const doc = readFileSync(new URL('../../docs/server.md', import.meta.url), 'utf8')
    const api = await import('../../src/server')
    for (const name of Object.keys(api)) expect(doc, name).toContain(name)
  })
})

describe('serveSyncServer', () => {
  it('serves the handler on a Node port (0 picks one) and frees it on close, ending event streams its clients left', async () => {
    const { serveSyncServer } = await import('../../src/server')
    let open = 0
    const server = await createSyncServer({
      db: t.db,
      authenticate: bearerAuth,
      timers: { setInterval: () => ++open, clearInterval: () => void (open -= 1) },
    })
    const listening = await serveSyncServer(server, { port: 0 })
    const url = `http://127.0.0.1:${listening.port}`
    const created = await fetch(`${url}/todos`, { method: 'POST', headers: { Authorization: 'Bearer alice' }, body: JSON.stringify({ id: 'served' }) })
    expect(created.status).toBe(201)
    const leaving = new AbortController()
    const events = await fetch(`${url}/sync/events`, { headers: { Authorization: 'Bearer alice' }, signal: leaving.signal })
    expect(events.headers.get('Content-Type')).toContain('text/event-stream')
    await expect.poll(() => open).toBe(1)
    leaving.abort()
    await expect.poll(() => open).toBe(0)
    await listening.close()
    await expect(fetch(`${url}/todos`, { headers: { Authorization: 'Bearer alice' } })).rejects.toThrow()
  })
})
