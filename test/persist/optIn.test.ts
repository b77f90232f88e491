import 'fake-indexeddb/auto'
import { configureStore } from '@reduxjs/toolkit'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createOfflineSync, createSyncedEntity, SyncSetupError } from '../../src'
import { createPersistence } from '../../src/persist'
import { createScriptedAdapter } from '../support/scriptedAdapter'

const todos = () => createSyncedEntity<{ id: string; title: string }>({ name: 'todos', pull: false })

afterEach(() => {
  vi.doUnmock('localforage')
  vi.resetModules()
})

describe('persistence is opt-in (rtk-offline/persist)', () => {
  it('refuses the old plain-object `persist` option, saying to wrap it in createPersistence', () => {
    const make = (persist: unknown) =>
      createOfflineSync({ entities: [todos()], adapter: createScriptedAdapter().adapter, persist: persist as never })
    for (const old of [{}, { key: 'app', throttleMs: 10 }, null, 'yes']) {
      expect(() => make(old)).toThrow(SyncSetupError)
      expect(() => make(old)).toThrow(/createPersistence\(\{ \.\.\. \}\) from 'rtk-offline\/persist'/)
    }
    expect(() => make(createPersistence({ tabs: false }))).not.toThrow()
  })

  it('without `storage` and without localforage installed, the restore fails saying `npm i localforage` or pass `storage`', async () => {
    vi.resetModules()
    vi.doMock('localforage', () => {
      throw new Error("Cannot find package 'localforage'")
    })
    const core = await import('../../src')
    const { createPersistence: persistence } = await import('../../src/persist')
    const entity = core.createSyncedEntity<{ id: string }>({ name: 'todos', pull: false })
    const errors: unknown[] = []
    const sync = core.createOfflineSync({
      entities: [entity],
      adapter: createScriptedAdapter().adapter,
      network: core.createManualNetworkStatus(false),
      onError: (error) => errors.push(error),
      persist: persistence({ tabs: false }),
    })
    const store = configureStore({
      reducer: { todos: entity.reducer, [sync.reducerPath]: sync.reducer },
      middleware: (getDefault) => getDefault().concat(sync.middleware),
    })
    const persistor = sync.persist(store)
    const error = await persistor.ready.then(
      () => null,
      (reason: unknown) => reason,
    )
    expect(error).toBeInstanceOf(core.SyncSetupError)
    expect((error as Error).message).toMatch(/`npm i localforage`, or pass createPersistence\(\{ storage \}\)/)
    expect(sync.selectors.selectStorage(store.getState()).error?.message).toMatch(/npm i localforage/)
    sync.stop()
  })
})
