import { configureStore } from '@reduxjs/toolkit'
import { createOfflineSync } from 'rtk-offline'
import { createPersistence } from 'rtk-offline/persist'
import { createReduxOffline, importReduxOfflineOutbox } from 'rtk-offline/redux-offline'
import { todoAdded, todosReducer } from './todos' // your reducers and meta.offline actions, unchanged

// redux-offline's `meta.offline` actions, sent by redux-offline's default fetch effect (pass `effect` for yours).
const reduxOffline = createReduxOffline()
export const sync = createOfflineSync({
  entities: [reduxOffline.entity],
  adapter: reduxOffline.adapter(),
  persist: createPersistence(),
})
export const store = configureStore({
  reducer: { todos: todosReducer, [reduxOffline.name]: reduxOffline.reducer, [sync.reducerPath]: sync.reducer },
  middleware: (getDefault) => getDefault().concat(reduxOffline.middleware, sync.middleware),
})
const persistor = sync.persist(store)
// The queue redux-offline left on this device (redux-persist 4 in localStorage), moved over once.
await importReduxOfflineOutbox({ store, sync, persistor, reduxOffline, storage: localStorage })

store.dispatch(todoAdded(crypto.randomUUID(), 'Buy milk')) // queued durably, sent once online
