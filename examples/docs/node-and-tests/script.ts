import { configureStore } from '@reduxjs/toolkit'
import { createManualNetworkStatus, createOfflineSync, createRestAdapter, createSyncedEntity } from 'rtk-offline'
import { createPersistence } from 'rtk-offline/persist'
import { memoryStorage } from './memoryStorage'

interface Note {
  id: string
  text: string
  version?: number
}

const notes = createSyncedEntity<Note>({ name: 'notes' })
const network = createManualNetworkStatus(true) // Node has no online/offline events: you say when
const sync = createOfflineSync({
  entities: [notes],
  adapter: createRestAdapter({ baseUrl: process.env.API_URL ?? 'http://127.0.0.1:8787' }),
  network,
  persist: createPersistence({ storage: memoryStorage() }),
})
const store = configureStore({
  reducer: { notes: notes.reducer, [sync.reducerPath]: sync.reducer },
  middleware: (getDefault) => getDefault().concat(sync.middleware),
})
await sync.persist(store).ready

store.dispatch(notes.actions.added({ id: crypto.randomUUID(), text: 'Written from Node' }))

// Wait until the outbox is empty (sent and confirmed) or something needs a person.
await new Promise<void>((resolve) => {
  const check = () => {
    const { pending, failed, conflicts } = sync.selectors.selectStatus(store.getState())
    if (pending === 0 || failed > 0 || conflicts > 0) {
      unsubscribe()
      resolve()
    }
  }
  const unsubscribe = store.subscribe(check)
  check()
})
console.log(sync.selectors.selectStatus(store.getState()))

// Stop the engine when done: a wait for a retry (changes not yet sent) would keep Node running.
sync.stop()
