import { configureStore } from '@reduxjs/toolkit'
import { createOfflineSync, createRestAdapter } from 'rtk-offline'
import { createPersistence } from 'rtk-offline/persist'
import { notes } from './store'

export const sync = createOfflineSync({
  entities: [notes],
  adapter: createRestAdapter({ baseUrl: '/api' }),
  persist: createPersistence({ key: 'my-notes' }), // localforage (IndexedDB) unless you pass `storage`
})

export const store = configureStore({
  reducer: { notes: notes.reducer, [sync.reducerPath]: sync.reducer },
  middleware: (getDefault) => getDefault().concat(sync.middleware),
})

// Restores the outbox and the slices, then writes every change; sending starts once restored.
export const persistor = sync.persist(store)
