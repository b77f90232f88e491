// The store of the app on redux-offline 2.x, persisted by its redux-persist 4 on AsyncStorage.
import { configureStore, type StoreEnhancer } from '@reduxjs/toolkit'
import { offline } from '@redux-offline/redux-offline'
import offlineConfig from '@redux-offline/redux-offline/lib/defaults'
import type { Config } from '@redux-offline/redux-offline/lib/types'
import type { AsyncStorageLike } from '../asyncStorage'
import { todosReducer } from '../todos'

export function createAppStore(storage: AsyncStorageLike, detectNetwork?: Config['detectNetwork']) {
  let rehydrated!: () => void
  const ready = new Promise<void>((resolve) => (rehydrated = resolve))
  const store = configureStore({
    reducer: { todos: todosReducer },
    enhancers: (getDefault) =>
      getDefault().concat(
        offline({
          ...offlineConfig,
          persistOptions: { storage },
          persistCallback: () => rehydrated(),
          ...(detectNetwork ? { detectNetwork } : {}),
        }) as unknown as StoreEnhancer,
      ),
  })
  return { store, ready }
}
