import { createEntityAdapter, type PayloadAction } from '@reduxjs/toolkit'
import { createSyncedEntity } from 'rtk-offline'

interface Todo {
  id: string
  title: string
  done: boolean
}
const todosAdapter = createEntityAdapter<Todo>({ sortComparer: (a, b) => a.title.localeCompare(b.title) })

// Was createSlice({ name, initialState, reducers }): the same options; the records are synced now.
export const todos = createSyncedEntity({
  name: 'todos',
  initialState: todosAdapter.getInitialState({ filter: 'all' }),
  sortComparer: todosAdapter.sortComparer,
  reducers: {
    filterChanged(state, action: PayloadAction<string>) {
      state.filter = action.payload // a local field: never synced
    },
  },
})
// The adapter's addOne, updateOne, removeOne and upsertOne, under the names the app dispatches.
export const { added: todoAdded, updated: todoUpdated, removed: todoRemoved, upserted: todoSaved, filterChanged } = todos.actions
