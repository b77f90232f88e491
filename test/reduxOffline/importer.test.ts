import { describe, expect, it, vi } from 'vitest'
import { importReduxOfflineOutbox, type EffectRunner } from '../../src/reduxOffline'
import { SyncStorageError } from '../../src'
import type { SyncStorage } from '../../src/persist'
import { createAppStore as createBeforeStore } from '../../examples/redux-offline-app/before/store'
import { todoAdded, todoToggled } from '../../examples/redux-offline-app/todos'
import { crashableStorage } from '../support/crashableStorage'
import { freshStorage } from '../support/persistedStore'
import { createMemoryAsyncStorage } from './memoryAsyncStorage'
import { loadCompatPage } from './page'
import v4 from '../fixtures/redux-offline/v4.json'
import v5Root from '../fixtures/redux-offline/v5-root.json'
import v5Slice from '../fixtures/redux-offline/v5-slice.json'

const fixtures = { v4, 'v5-root': v5Root, 'v5-slice': v5Slice } as const
const keyOf = { v4: 'reduxPersist:offline', 'v5-root': 'persist:root', 'v5-slice': 'persist:offline' } as const
/** The effects the fixtures' outbox holds, in order. */
const queuedWrites = ['POST /todos 1', 'POST /todos 2', 'PATCH /todos/1']

/** Writes a fixture's keys into storage, as the redux-offline app left them. */
async function seed(storage: SyncStorage, fixture: Record<string, string>) {
  for (const [key, value] of Object.entries(fixture)) await storage.setItem(key, value)
}

/** An effect runner that answers ok and logs each effect as `METHOD path id` with its idempotency key. */
function recordingEffect() {
  const calls: Array<{ write: string; key: string }> = []
  const effect: EffectRunner = async (effect, _action, { idempotencyKey }) => {
    const { url, method, json } = effect as { url: string; method: string; json: { id?: string } }
    const path = url.replace('http://localhost/api', '')
    calls.push({ write: `${method} ${path}${json.id ? ` ${json.id}` : ''}`, key: idempotencyKey })
    return { ok: true }
  }
  return { effect, calls }
}

/** A page on the compat layer over `storage`, online, importing the old key at once (as the guide says). */
function startPage(storage: SyncStorage, key: string, effect: EffectRunner) {
  const page = loadCompatPage({ storage, effect, online: true })
  const imported = importReduxOfflineOutbox({ store: page.store, sync: page.sync, persistor: page.persistor!, reduxOffline: page.reduxOffline, storage, key })
  return { page, imported }
}

describe('importReduxOfflineOutbox', () => {
  it('the v4 fixture is what redux-offline 2.6 with redux-persist 4 writes', async () => {
    const storage = createMemoryAsyncStorage()
    const before = createBeforeStore(storage, (callback) => callback(false))
    await before.ready
    before.store.dispatch(todoAdded('1', 'Buy milk'))
    before.store.dispatch(todoAdded('2', 'Walk the dog'))
    before.store.dispatch(todoToggled('1', true))
    await vi.waitFor(() => expect(Object.fromEntries(storage.data)).toEqual(v4))
  })

  it.each(Object.keys(fixtures) as Array<keyof typeof fixtures>)(
    'imports a %s outbox in order, sends each effect once, and removes only what was redux-offline\'s',
    async (format) => {
      const storage = freshStorage()
      await seed(storage, fixtures[format])
      const effect = recordingEffect()
      const { page, imported } = startPage(storage, keyOf[format], effect.effect)
      expect(await imported).toEqual({ format, imported: 3, alreadyQueued: 0, invalid: 0 })
      await vi.waitFor(() => expect(page.status()).toMatchObject({ pending: 0, phase: 'idle' }))
      expect(effect.calls.map((call) => call.write)).toEqual(queuedWrites)
      // Each action's commit, as redux-offline would have dispatched it.
      expect(page.appActions().map((action) => `${action.type} ${(action.meta as { id: string }).id}`)).toEqual(['todos/saved 1', 'todos/saved 2', 'todos/saved 1'])
      if (format === 'v5-root') {
        // The app's other slices stay under the key; only the offline field goes.
        const rest = JSON.parse((await storage.getItem('persist:root')) as string) as Record<string, string>
        expect(Object.keys(rest)).toEqual(['todos', '_persist'])
        expect(rest.todos).toBe((JSON.parse(v5Root['persist:root']) as Record<string, string>).todos)
      } else expect(await storage.getItem(keyOf[format])).toBeNull()
      page.sync.stop()

      // Started again: nothing left to import, nothing sent again.
      const again = startPage(storage, keyOf[format], effect.effect)
      expect(await again.imported).toEqual({ format: format === 'v5-root' ? null : null, imported: 0, alreadyQueued: 0, invalid: 0 })
      again.page.sync.stop()
      expect(effect.calls).toHaveLength(3)
    },
  )

  // Each step of the import, the page dying at the first write of that step (that write lost too).
  const steps: Array<[string, (key: string, value: string | null) => boolean]> = [
    ['while storing the first queued action', (key) => key.includes('/op/')],
    ['while storing the queue (after its first action)', (() => {
      let ops = 0
      return (key: string) => key.includes('/op/') && ++ops === 2
    })()],
    ['after the queue is stored, before the old key is removed', (key) => key === 'reduxPersist:offline'],
  ]
  it.each(steps)('a crash %s neither loses nor repeats an effect', async (_step, when) => {
    const disk = crashableStorage()
    await seed(disk.inner, v4)
    disk.crashWhen(when)
    const effect = recordingEffect()
    const first = startPage(disk.storage, 'reduxPersist:offline', effect.effect)
    await first.imported
    // Online all along, yet nothing ran: sending is held until the old key is gone.
    expect(effect.calls).toEqual([])
    first.page.sync.stop()

    const second = startPage(disk.inner, 'reduxPersist:offline', effect.effect)
    const result = await second.imported
    expect(result.imported + result.alreadyQueued).toBe(3)
    await vi.waitFor(() => expect(second.page.status()).toMatchObject({ pending: 0, phase: 'idle' }))
    expect(effect.calls.map((call) => call.write)).toEqual(queuedWrites)
    expect(new Set(effect.calls.map((call) => call.key)).size).toBe(3)
    expect(await disk.inner.getItem('reduxPersist:offline')).toBeNull()
    second.page.sync.stop()
  })

  it('a crash after the old key is removed leaves the queue stored: the next start sends it, importing nothing', async () => {
    const disk = crashableStorage()
    await seed(disk.inner, v4)
    const effect = recordingEffect()
    const first = loadCompatPage({ storage: disk.storage, effect: effect.effect, online: false })
    expect(await importReduxOfflineOutbox({ store: first.store, sync: first.sync, persistor: first.persistor!, reduxOffline: first.reduxOffline, storage: disk.storage })).toMatchObject({ imported: 3 })
    disk.crash()
    first.sync.stop()

    const second = startPage(disk.inner, 'reduxPersist:offline', effect.effect)
    expect(await second.imported).toEqual({ format: null, imported: 0, alreadyQueued: 0, invalid: 0 })
    await vi.waitFor(() => expect(second.page.status()).toMatchObject({ pending: 0, phase: 'idle' }))
    expect(effect.calls.map((call) => call.write)).toEqual(queuedWrites)
    second.page.sync.stop()
  })

  it('keeps outbox entries that are not redux-offline actions aside under <key>:unimported', async () => {
    const storage = freshStorage()
    const state = JSON.parse(v4['reduxPersist:offline']) as { outbox: unknown[] }
    state.outbox.splice(1, 0, { type: 'BROKEN' }, 42)
    await storage.setItem('reduxPersist:offline', JSON.stringify(state))
    const effect = recordingEffect()
    const { page, imported } = startPage(storage, 'reduxPersist:offline', effect.effect)
    expect(await imported).toMatchObject({ imported: 3, invalid: 2 })
    expect(JSON.parse((await storage.getItem('reduxPersist:offline:unimported')) as string)).toEqual([{ type: 'BROKEN' }, 42])
    await vi.waitFor(() => expect(effect.calls).toHaveLength(3))
    page.sync.stop()
  })

  it('refuses a value it does not recognise, leaves it as it is, and lets sending go on', async () => {
    const storage = freshStorage()
    await storage.setItem('reduxPersist:offline', 'not json')
    const effect = recordingEffect()
    const { page, imported } = startPage(storage, 'reduxPersist:offline', effect.effect)
    await expect(imported).rejects.toBeInstanceOf(SyncStorageError)
    expect(await storage.getItem('reduxPersist:offline')).toBe('not json')
    await vi.waitFor(() => expect(page.status().phase).toBe('idle'))
    page.sync.stop()
  })
})
