// The same app on rtk-offline: redux-offline's actions run on rtk-offline's outbox, and the queue the
// old store persisted is imported once.
import { configureStore, type StoreEnhancer } from '@reduxjs/toolkit'
import { createOfflineSync, type NetworkStatus } from 'rtk-offline'
import { createPersistence } from 'rtk-offline/persist'
import { createReduxOffline, importReduxOfflineOutbox } from 'rtk-offline/redux-offline'
import { autoRehydrate, persistStore, type PersistorConfig } from 'redux-persist-v4'
import type { AsyncStorageLike } from '../asyncStorage'
import { todosReducer } from '../todos'

export async function createAppStore(storage: AsyncStorageLike, network?: NetworkStatus) {
  let rehydrated!: () => void
  const ready = new Promise<void>((resolve) => (rehydrated = resolve))
  const reduxOffline = createReduxOffline({ holdUntil: (action) => action.type === 'persist/REHYDRATE' })
  const sync = createOfflineSync({
    entities: [reduxOffline.entity],
    adapter: reduxOffline.adapter(),
    persist: createPersistence({ storage, tabs: false }), // React Native: one page, no tabs
    reducerPath: 'sync',
    ...(network ? { network } : {}),
  })
  const store = configureStore({
    reducer: { todos: todosReducer, [reduxOffline.name]: reduxOffline.reducer, [sync.reducerPath]: sync.reducer },
    middleware: (getDefault) => getDefault().concat(reduxOffline.middleware, sync.middleware),
    enhancers: (getDefault) => getDefault().concat(autoRehydrate() as StoreEnhancer),
  })
  const persistor = sync.persist(store)
  await importReduxOfflineOutbox({ store, sync, persistor, reduxOffline, storage })
  // redux-persist 4's types predate AsyncStorage's `string | null`.
  persistStore(store, { storage: storage as PersistorConfig['storage'], whitelist: ['todos'] }, () => rehydrated())
  return { store, ready, sync }
}
