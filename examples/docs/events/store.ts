import { configureStore } from '@reduxjs/toolkit'
import { createOfflineSync, createRestAdapter, createSyncedEntity, syncEvents } from 'rtk-offline'

export interface Note {
  id: string
  text: string
  version?: number
}

export const notes = createSyncedEntity<Note>({ name: 'notes' })

export const sync = createOfflineSync({
  entities: [notes],
  adapter: createRestAdapter({ baseUrl: '/api' }),
  events: syncEvents, // turns sync.subscribe on
})

export const store = configureStore({
  reducer: { notes: notes.reducer, [sync.reducerPath]: sync.reducer },
  middleware: (getDefault) => getDefault().concat(sync.middleware),
})
