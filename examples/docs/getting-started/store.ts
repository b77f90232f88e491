import { configureStore } from '@reduxjs/toolkit'
import { createOfflineSync, createRestAdapter, createSyncedEntity } from 'rtk-offline'

export interface Note {
  id: string
  text: string
  version?: number // the server's version: sent as If-Match with each change
}

export const notes = createSyncedEntity<Note>({ name: 'notes' })

export const sync = createOfflineSync({
  entities: [notes],
  adapter: createRestAdapter({ baseUrl: '/api' }),
})

export const store = configureStore({
  reducer: { notes: notes.reducer, [sync.reducerPath]: sync.reducer },
  middleware: (getDefault) => getDefault().concat(sync.middleware),
})

export type RootState = ReturnType<typeof store.getState>
