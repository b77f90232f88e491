import { configureStore } from '@reduxjs/toolkit'
import { createOfflineSync, createRestAdapter } from 'rtk-offline'
import { filterChanged, selectTodos, todoAdded, todos, todosReducer, todoUpdated } from './after'

export const sync = createOfflineSync({
  entities: [todos],
  adapter: createRestAdapter({ baseUrl: 'https://api.example.com/v1' }),
})

export const store = configureStore({
  reducer: { todos: todosReducer, [sync.reducerPath]: sync.reducer },
  middleware: (getDefault) => getDefault().concat(sync.middleware),
})

// The app dispatches and selects as before: the records' changes are now queued for the server.
store.dispatch(todoAdded({ id: crypto.randomUUID(), title: 'Buy milk', done: false }))
store.dispatch(todoUpdated({ id: selectTodos(store.getState())[0]!.id, changes: { done: true } }))
store.dispatch(filterChanged('done')) // local: never sent
export const filter: 'all' | 'active' | 'done' = store.getState().todos.filter
