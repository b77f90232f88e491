import { describe, expect, it, vi } from 'vitest'
import type { SyncAdapter } from '../../src'
import type { SyncStorage } from '../../src/persist'
import { crashableStorage, expectNoOrphans } from '../support/crashableStorage'
import { createIdempotentServer } from '../support/idempotentServer'
import { freshStorage, loadPage } from '../support/persistedStore'

const todo = (id: string, title = `Todo ${id}`) => ({ id, title, done: false })

describe('Durability invariant 1: write-ahead', () => {
  it("stores an operation's sent mark (in flight, attempts 1) before the adapter's push is called", async () => {
    const disk = crashableStorage()
    const seen: unknown[] = []
    const adapter: SyncAdapter = {
      push(operations) {
        // Asserted from inside the adapter: what storage holds when the request leaves.
        for (const op of operations) seen.push(disk.storedOp(op.id))
        return Promise.resolve(operations.map(() => ({ type: 'ok' as const })))
      },
    }
    const page = loadPage(disk.storage, adapter, { online: true })
    await page.persistor.ready
    page.store.dispatch(page.todos.actions.added(todo('a')))
    await vi.waitFor(() => expect(page.status().pending).toBe(0))
    expect(seen).toEqual([expect.objectContaining({ recordId: 'a', status: 'inflight', attempts: 1 })])
    await expectNoOrphans(page, disk.storage)
    page.sync.stop()
  })

  it('an edit made after a crash mid-request is a new operation: the first is re-sent with its own body and key, and both reach the server', async () => {
    const disk = crashableStorage()
    const server = createIdempotentServer()
    // The page dies the instant the request leaves; the server applies it, the answer is never read.
    server.onPush(() => disk.crash())
    server.hold()
    const first = loadPage(disk.storage, server.adapter, { online: true })
    await first.persistor.ready
    first.store.dispatch(first.todos.actions.added(todo('a', 'Original')))
    await vi.waitFor(() => expect(server.applied).toHaveLength(1))
    const sent = server.received[0]!
    first.sync.stop()
    server.onPush(null)
    server.release()

    const second = loadPage(disk.inner, server.adapter)
    await second.persistor.ready
    second.store.dispatch(second.todos.actions.updated({ id: 'a', changes: { title: 'Edited' } }))
    const ops = second.ops()
    expect(ops.map((op) => op.id)).toEqual([sent.id, expect.any(String)])
    expect(ops[1]!.id).not.toBe(sent.id)
    expect(ops[0]).toMatchObject({ kind: 'create', data: sent.data })
    await expectNoOrphans(second, disk.inner)
    second.network.setOnline(true)
    await vi.waitFor(() => expect(second.status().pending).toBe(0))
    // The first went again under its own key with its own body (the server replayed its answer).
    expect(server.received.slice(1).map((op) => [op.id, op.kind, op.data])).toEqual([
      [sent.id, 'create', sent.data],
      [ops[1]!.id, 'update', { title: 'Edited' }],
    ])
    expect(server.applied.map((change) => change.kind)).toEqual(['create', 'update'])
    expect(server.records.get('a')).toMatchObject({ title: 'Edited', version: 2 })
    expect(second.view()).toEqual([server.records.get('a')])
    expect(second.status()).toMatchObject({ pending: 0, failed: 0 })
    await expectNoOrphans(second, disk.inner)
    second.sync.stop()
  })

  it('an operation stored in flight is frozen after a reload, even one stored with no attempts counted', async () => {
    const disk = crashableStorage()
    const server = createIdempotentServer()
    const stored = {
      id: 'sent-1',
      seq: 1,
      entity: 'todos',
      recordId: 'a',
      kind: 'create',
      data: todo('a', 'Original'),
      baseVersion: null,
      enqueuedAt: 1,
      attempts: 0,
      nextAttemptAt: null,
      status: 'inflight',
      lastError: null,
      priority: 0,
      userId: null,
    }
    await disk.inner.setItem('rtk-offline/op/sent-1', JSON.stringify(stored))
    const page = loadPage(disk.inner, server.adapter)
    await page.persistor.ready
    page.store.dispatch(page.todos.actions.updated({ id: 'a', changes: { title: 'Edited' } }))
    expect(page.ops().map((op) => [op.id, op.kind, op.data])).toEqual([
      ['sent-1', 'create', todo('a', 'Original')],
      [expect.any(String), 'update', { title: 'Edited' }],
    ])
    expect(page.ops()[0]!.attempts).toBeGreaterThanOrEqual(1)
    page.sync.stop()
  })

  it('never sends an operation whose sent mark could not be stored, and keeps it', async () => {
    const inner = freshStorage()
    let failWrites = false
    const storage: SyncStorage = {
      getItem: (key) => inner.getItem(key),
      setItem: (key, value) => (failWrites ? Promise.reject(new Error('QuotaExceededError')) : inner.setItem(key, value)),
      removeItem: (key) => inner.removeItem(key),
      keys: () => inner.keys!(),
    }
    const pushed: string[] = []
    const adapter: SyncAdapter = {
      push(operations) {
        pushed.push(...operations.map((op) => op.id))
        return Promise.resolve(operations.map(() => ({ type: 'ok' as const })))
      },
    }
    const page = loadPage(storage, adapter)
    await page.persistor.ready
    page.store.dispatch(page.todos.actions.added(todo('a')))
    await page.sync.flush()
    failWrites = true
    page.network.setOnline(true)
    await vi.waitFor(() => expect(page.store.getState().offline.storage.error).not.toBeNull())
    await vi.waitFor(() => expect(page.ops()[0]?.status).toBe('pending'))
    expect(pushed).toEqual([])
    expect(page.status().pending).toBe(1)
    // Storage works again: the next attempt stores its mark and sends.
    failWrites = false
    page.store.dispatch(page.sync.actions.syncNow())
    await vi.waitFor(() => expect(page.status().pending).toBe(0))
    expect(pushed).toEqual([page.ops()[0]?.id ?? expect.any(String)])
    page.sync.stop()
  })
})
