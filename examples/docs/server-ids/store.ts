import { configureStore } from '@reduxjs/toolkit'
import { createOfflineSync, createRestAdapter, createSyncedEntity, serverAssignedIds } from 'rtk-offline'

export interface List {
  id: string
  name: string
  version?: number
}

export interface Item {
  id: string
  listId: string
  title: string
  version?: number
}

// The server gives lists and items their ids; an item's `listId` holds a list's id.
export const lists = createSyncedEntity<List>({ name: 'lists', serverIds: serverAssignedIds() })
export const items = createSyncedEntity<Item>({
  name: 'items',
  serverIds: serverAssignedIds(),
  references: { listId: 'lists' },
})

export const sync = createOfflineSync({
  entities: [lists, items],
  adapter: createRestAdapter({ baseUrl: 'https://api.example.com/v1' }),
})

export const store = configureStore({
  reducer: { lists: lists.reducer, items: items.reducer, [sync.reducerPath]: sync.reducer },
  middleware: (getDefault) => getDefault().concat(sync.middleware),
})

// Offline: both get temporary ids (yours). The item's create waits for the list's, and goes with the
// list's server id; once confirmed, both records move to their server ids.
const listId = crypto.randomUUID()
store.dispatch(lists.actions.added({ id: listId, name: 'Groceries' }))
store.dispatch(items.actions.added({ id: crypto.randomUUID(), listId, title: 'Milk' }))

export type RootState = ReturnType<typeof store.getState>
