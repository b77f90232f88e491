import { configureStore } from '@reduxjs/toolkit'
import { createOfflineSync, createRestAdapter, createSyncedEntity, syncDevTools } from 'rtk-offline'

interface Note {
  id: string
  text: string
  version?: number
}

const notes = createSyncedEntity<Note>({ name: 'notes' })
const sync = createOfflineSync({ entities: [notes], adapter: createRestAdapter({ baseUrl: '/api' }) })

export const store = configureStore({
  reducer: { notes: notes.reducer, [sync.reducerPath]: sync.reducer },
  middleware: (getDefault) => getDefault().concat(sync.middleware),
  // DevTools shows the outbox as lists of operations and each entity's pending records by id.
  devTools: syncDevTools(sync, [notes]),
})
