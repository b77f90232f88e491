import { configureStore } from '@reduxjs/toolkit'
import { setupListeners } from '@reduxjs/toolkit/query'
import { createOfflineSync } from 'rtk-offline'
import { createPersistence } from 'rtk-offline/persist'
import { createOfflineMutations } from 'rtk-offline/query'
import { api } from './api'

// The mutations queued offline, each with the cache change it makes at once (was its onQueryStarted).
export const offlineMutations = createOfflineMutations({
  api,
  endpoints: {
    addTodo: { optimistic: (todo, patch) => patch('getTodos', undefined, (draft) => void draft.push(todo)) },
    toggleTodo: {
      optimistic: ({ id, done }, patch) =>
        patch('getTodos', undefined, (draft) => {
          const todo = draft.find((item) => item.id === id)
          if (todo) todo.done = done
        }),
    },
  },
})
export const sync = createOfflineSync({
  entities: [offlineMutations.entity],
  adapter: offlineMutations.adapter(),
  persist: createPersistence(),
})

export const store = configureStore({
  reducer: { [api.reducerPath]: api.reducer, [offlineMutations.name]: offlineMutations.reducer, [sync.reducerPath]: sync.reducer },
  middleware: (getDefault) => getDefault().concat(api.middleware, offlineMutations.middleware, sync.middleware),
})
setupListeners(store.dispatch)
sync.persist(store)
