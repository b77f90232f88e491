import { readFileSync } from 'node:fs'
import { describe, expect, it, vi } from 'vitest'
import { createManualNetworkStatus } from '../../src'
import { createMockBackend } from '../../src/msw'
import { createAppStore as createBeforeStore } from '../../examples/redux-offline-app/before/store'
import { createAppStore as createAfterStore } from '../../examples/redux-offline-app/after/store'
import { API, todoAdded, todoToggled } from '../../examples/redux-offline-app/todos'
import { createMemoryAsyncStorage } from './memoryAsyncStorage'
import { useMswServer } from '../support/mswServer'

const backend = createMockBackend({ baseUrl: API })
useMswServer(...backend.handlers)

/** Waits until redux-persist 4 has written the redux-offline outbox with `length` actions, and returns what it wrote. */
async function persistedOffline(storage: ReturnType<typeof createMemoryAsyncStorage>, length: number) {
  let stored: { outbox: unknown[] } | null = null
  await vi.waitFor(() => {
    const raw = storage.data.get('reduxPersist:offline') ?? null
    stored = raw === null ? null : (JSON.parse(raw) as { outbox: unknown[] })
    expect(stored?.outbox).toHaveLength(length)
  })
  return stored!
}

describe('examples/redux-offline-app: the migrated app drains the queue the redux-offline app persisted', () => {
  it('sends each queued effect once, dispatches its commit, and leaves nothing to send after a reload', async () => {
    backend.reset()
    const storage = createMemoryAsyncStorage()
    // The app on redux-offline 2.6 (its redux-persist 4), offline: three changes queue up and are persisted.
    const before = createBeforeStore(storage, (callback) => callback(false))
    await before.ready
    before.store.dispatch(todoAdded('1', 'Buy milk'))
    before.store.dispatch(todoAdded('2', 'Walk the dog'))
    before.store.dispatch(todoToggled('1', true))
    const persisted = await persistedOffline(storage, 3)
    expect(persisted).toMatchObject({ lastTransaction: 3, outbox: [{ meta: { transaction: 1 } }, { meta: { transaction: 2 } }, { meta: { transaction: 3 } }] })
    await vi.waitFor(() => expect(JSON.parse(storage.data.get('reduxPersist:todos') ?? '[]')).toHaveLength(2))

    // The upgrade: the same storage, the app on rtk-offline, online.
    const network = createManualNetworkStatus(true)
    const after = await createAfterStore(storage, network)
    await after.ready
    await vi.waitFor(() => expect(after.sync.selectors.selectStatus(after.store.getState())).toMatchObject({ pending: 0, phase: 'idle' }))
    const writes = backend.requests.map((request) => `${request.method} ${request.path} ${JSON.stringify(request.body)}`)
    expect(writes).toEqual([
      'POST /todos {"id":"1","title":"Buy milk","done":false}',
      'POST /todos {"id":"2","title":"Walk the dog","done":false}',
      'PATCH /todos/1 {"done":true}',
    ])
    expect(new Set(backend.requests.map((request) => request.idempotencyKey)).size).toBe(3)
    // The state redux-persist restored, with every commit applied to it.
    expect(after.store.getState().todos).toEqual([
      { id: '1', title: 'Buy milk', done: true, saved: true },
      { id: '2', title: 'Walk the dog', done: false, saved: true },
    ])
    expect(storage.data.has('reduxPersist:offline')).toBe(false)
    await after.sync.flush()
    after.sync.stop()

    // Another start: nothing is imported or sent again.
    const again = await createAfterStore(storage, network)
    await vi.waitFor(() => expect(again.sync.selectors.selectStatus(again.store.getState()).phase).toBe('idle'))
    await vi.waitFor(() => expect(again.store.getState().todos).toHaveLength(2))
    expect(backend.requests).toHaveLength(3)
    again.sync.stop()
  })
})

describe('docs/from-redux-offline.md', () => {
  const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')
  const doc = read('docs/from-redux-offline.md')
  const diff = doc.slice(doc.indexOf('```diff\n') + 8, doc.indexOf('\n```', doc.indexOf('```diff\n')) + 1).split('\n').slice(0, -1)

  it("shows the example app's store change as a diff of before/store.ts to after/store.ts, whole", () => {
    const side = (keep: string) => diff.filter((line) => line[0] === ' ' || line[0] === keep).map((line) => `${line.slice(1)}\n`).join('')
    expect(side('-')).toBe(read('examples/redux-offline-app/before/store.ts'))
    // The app keeps the redux-persist 4 it had (as 'redux-persist'); this repository installs that version
    // as 'redux-persist-v4', its own being 6 (examples/redux-offline-app/reduxPersistV4.d.ts).
    expect(side('+')).toBe(read('examples/redux-offline-app/after/store.ts').replace("from 'redux-persist-v4'", "from 'redux-persist'"))
  })

  it('counts the lines it says the move changed', () => {
    const removed = diff.filter((line) => line.startsWith('-')).length
    const added = diff.filter((line) => line.startsWith('+')).length
    expect([removed, added]).toEqual([16, 23])
    expect(doc).toContain(`changed ${removed} lines of the store setup for ${added}`)
    expect(read('README.md')).toContain(`changed ${removed} lines of store setup for ${added}`)
  })
})
