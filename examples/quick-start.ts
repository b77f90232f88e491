import { configureStore } from '@reduxjs/toolkit'
import { createOfflineSync, createRestAdapter, createSyncedEntity } from 'rtk-offline'

interface Todo {
  id: string
  title: string
  done: boolean
  version?: number
}

// 1. A synced entity: an entity-adapter slice whose changes are queued for the backend.
export const todos = createSyncedEntity<Todo>({ name: 'todos' })

// 2. The sync engine: outbox, drain, retries, circuit breaker, status.
export const sync = createOfflineSync({
  entities: [todos],
  adapter: createRestAdapter({ baseUrl: 'https://api.example.com/v1' }),
  retry: { baseDelayMs: 1000, maxDelayMs: 60_000 },
})

// 3. The store: both reducers and the middleware.
export const store = configureStore({
  reducer: { todos: todos.reducer, [sync.reducerPath]: sync.reducer },
  middleware: (getDefault) => getDefault().concat(sync.middleware),
})

// 4. Change data as usual: the view updates at once, the change is sent when it can be.
store.dispatch(todos.actions.added({ id: crypto.randomUUID(), title: 'Buy milk', done: false }))

// 5. Read the view and the sync status.
const all: Todo[] = todos.selectors.selectAll(store.getState())
const { phase, pending } = sync.selectors.selectStatus(store.getState())
console.log(`${all.length} todos, ${pending} pending, ${phase}`)
