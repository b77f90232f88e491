import { configureStore } from '@reduxjs/toolkit'
import { createOfflineSync, createRestAdapter, createSyncedEntity } from 'rtk-offline'
import { createPersistence, type SyncStorage } from 'rtk-offline/persist'
import { createNetInfoStatus } from './netInfoStatus'

// import AsyncStorage from '@react-native-async-storage/async-storage': it has getItem, setItem,
// removeItem and getAllKeys, which is all createPersistence needs.
declare const AsyncStorage: SyncStorage
// A UUID source: Hermes has no crypto.randomUUID (expo-crypto's randomUUID, or uuid with
// react-native-get-random-values).
declare function randomUUID(): string

export interface Note {
  id: string
  text: string
  version?: number
}

export const notes = createSyncedEntity<Note>({ name: 'notes' })

export const sync = createOfflineSync({
  entities: [notes],
  adapter: createRestAdapter({ baseUrl: 'https://api.example.com/v1' }),
  network: createNetInfoStatus(),
  persist: createPersistence({ storage: AsyncStorage, key: 'notes-app' }),
  generateId: randomUUID, // operation ids
})

export const store = configureStore({
  reducer: { notes: notes.reducer, [sync.reducerPath]: sync.reducer },
  middleware: (getDefault) => getDefault().concat(sync.middleware),
})

export const persistor = sync.persist(store)

// Record ids are made by the app, with the same UUID source.
export const addNote = (text: string) => store.dispatch(notes.actions.added({ id: randomUUID(), text }))
