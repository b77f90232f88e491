import { afterEach, expect, it, vi } from 'vitest'
import { createRestAdapter } from '../../src'
import type { SyncStorage } from '../../src/persist'
import { pulledPage } from '../../src/slices/actions'
import { freshStorage, loadPage } from '../support/persistedStore'
import { createRestBackend } from '../support/restBackend'
import { useMswServer } from '../support/mswServer'

// Durability invariant 1 (an operation that may have been sent is frozen: its body and key never change),
// for the base version it goes with. Found by test/protocolChaos seed 19 (--max-steps=120): an update was
// applied and confirmed, and the page crashed after the confirmed record (v2) was stored but before the
// operation's record was deleted. The reload rebuilt the update on v2 and sent it again with base version
// 2 under its key; the reference server, which fingerprints the base version with the key, refused it
// (422 idempotency-mismatch), and the change, retried under a new key, was applied twice.

const baseUrl = 'http://127.0.0.1:4032/api'
const backend = createRestBackend({ baseUrl })
useMswServer(...backend.handlers)
afterEach(() => {
  backend.reset()
})

const rest = () => createRestAdapter({ baseUrl })

it('after a crash between any two writes, an update sent before goes again with the If-Match it first went with', async () => {
  backend.seed('todos', [{ id: 'a', title: 'Milk', done: false, version: 1 }])
  // Every write in order, with its value, so that storage can be rebuilt as any crash would leave it.
  const writes: Array<[string, string | null]> = []
  const inner = freshStorage()
  const storage: SyncStorage = {
    getItem: (key) => inner.getItem(key),
    setItem: async (key, value) => {
      writes.push([key, value])
      await inner.setItem(key, value)
    },
    removeItem: async (key) => {
      writes.push([key, null])
      await inner.removeItem(key)
    },
    keys: () => inner.keys!(),
  }
  const page = loadPage(storage, rest(), { online: true })
  await page.persistor.ready
  page.store.dispatch(pulledPage({ entity: 'todos', changes: [{ id: 'a', record: backend.record('todos', 'a')! }], cursor: 'c1', hasMore: false, at: 1 }))
  page.store.dispatch(page.todos.actions.updated({ id: 'a', changes: { done: true } }))
  await vi.waitFor(() => expect(page.status().pending).toBe(0))
  await page.persistor.flush()
  page.sync.stop()
  const [sent] = backend.requests.filter((request) => request.method === 'PATCH')
  expect(sent).toMatchObject({ ifMatch: '"1"' })
  expect(backend.record('todos', 'a')).toMatchObject({ done: true, version: 2 })

  let resent = 0
  for (let crashAt = 0; crashAt <= writes.length; crashAt++) {
    const left = freshStorage()
    for (const [key, value] of writes.slice(0, crashAt)) {
      if (value === null) await left.removeItem(key)
      else await left.setItem(key, value)
    }
    const before = backend.requests.length
    const reloaded = loadPage(left, rest(), { online: true })
    await reloaded.persistor.ready
    await vi.waitFor(() => expect(reloaded.status().pending).toBe(0))
    const again = backend.requests.slice(before).filter((request) => request.idempotencyKey === sent!.idempotencyKey)
    resent += again.length
    expect(again.map((request) => request.ifMatch), `crash after ${crashAt} of ${writes.length} writes`).toEqual(again.map(() => '"1"'))
    reloaded.sync.stop()
  }
  // Some crash points leave the update stored as sent: it goes again (and is answered from the stored answer).
  expect(resent).toBeGreaterThan(0)
})

it('after a crash between any two writes, a create sent before goes again without If-Match, as it first went (protocol chaos seed 3005)', async () => {
  // The reload rebuilt the confirmed create on its stored record (v1) and sent it with If-Match 1: the
  // reference server refused its key (422), the create failed, and the edits queued behind it, retried
  // under new keys, were applied twice.
  const writes: Array<[string, string | null]> = []
  const inner = freshStorage()
  const storage: SyncStorage = {
    getItem: (key) => inner.getItem(key),
    setItem: async (key, value) => {
      writes.push([key, value])
      await inner.setItem(key, value)
    },
    removeItem: async (key) => {
      writes.push([key, null])
      await inner.removeItem(key)
    },
    keys: () => inner.keys!(),
  }
  const page = loadPage(storage, rest(), { online: true })
  await page.persistor.ready
  page.store.dispatch(page.todos.actions.added({ id: 'n', title: 'New', done: false }))
  await vi.waitFor(() => expect(page.status().pending).toBe(0))
  await page.persistor.flush()
  page.sync.stop()
  const [sent] = backend.requests.filter((request) => request.method === 'POST')
  expect(sent).toMatchObject({ ifMatch: null })

  let resent = 0
  for (let crashAt = 0; crashAt <= writes.length; crashAt++) {
    const left = freshStorage()
    for (const [key, value] of writes.slice(0, crashAt)) {
      if (value === null) await left.removeItem(key)
      else await left.setItem(key, value)
    }
    const before = backend.requests.length
    const reloaded = loadPage(left, rest(), { online: true })
    await reloaded.persistor.ready
    await vi.waitFor(() => expect(reloaded.status().pending).toBe(0))
    const again = backend.requests.slice(before).filter((request) => request.idempotencyKey === sent!.idempotencyKey)
    resent += again.length
    expect(again.map((request) => request.ifMatch), `crash after ${crashAt} of ${writes.length} writes`).toEqual(again.map(() => null))
    reloaded.sync.stop()
  }
  expect(resent).toBeGreaterThan(0)
})
