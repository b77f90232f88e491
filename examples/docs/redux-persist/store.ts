import { combineReducers, configureStore, createSlice, type PayloadAction } from '@reduxjs/toolkit'
import { FLUSH, PAUSE, PERSIST, PURGE, REGISTER, REHYDRATE, persistReducer, persistStore } from 'redux-persist'
import storage from 'redux-persist/lib/storage'
import { createOfflineSync, createRestAdapter, createSyncedEntity } from 'rtk-offline'
import { createPersistence, webStorage } from 'rtk-offline/persist'

interface Todo {
  id: string
  title: string
  done: boolean
  version?: number
}

// A slice redux-persist keeps, as before.
const settings = createSlice({
  name: 'settings',
  initialState: { theme: 'light' },
  reducers: {
    themeChanged(state, action: PayloadAction<string>) {
      state.theme = action.payload
    },
  },
})

// A synced entity and the engine: rtk-offline/persist keeps them, on the same localStorage.
export const todos = createSyncedEntity<Todo>({ name: 'todos' })
export const sync = createOfflineSync({
  entities: [todos],
  adapter: createRestAdapter({ baseUrl: 'https://api.example.com/v1' }),
  persist: createPersistence({ storage: webStorage(), key: 'my-app' }),
})

const rootReducer = combineReducers({
  settings: settings.reducer,
  todos: todos.reducer,
  [sync.reducerPath]: sync.reducer,
})

// redux-persist leaves out the synced slices and the sync slice: rtk-offline restores them.
const persistedReducer = persistReducer({ key: 'root', storage, blacklist: ['todos', sync.reducerPath] }, rootReducer)

export const store = configureStore({
  reducer: persistedReducer,
  middleware: (getDefault) =>
    getDefault({ serializableCheck: { ignoredActions: [FLUSH, REHYDRATE, PAUSE, PERSIST, PURGE, REGISTER] } }).concat(sync.middleware),
})

export const persistor = persistStore(store) // the app's slices, as before
export const offlinePersistor = sync.persist(store) // the outbox and synced slices
