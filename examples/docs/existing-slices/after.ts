import { createAsyncThunk, createEntityAdapter, type PayloadAction } from '@reduxjs/toolkit'
import { createSyncedEntity } from 'rtk-offline'

export interface Todo {
  id: string
  title: string
  done: boolean
  version?: number
}
export type Filter = 'all' | 'active' | 'done'

export const fetchTodos = createAsyncThunk<Todo[]>('todos/fetch', async (_, { dispatch }) => {
  const response = await fetch('https://api.example.com/v1/todos')
  const records = (await response.json()) as Todo[]
  dispatch(todos.actions.loadedFromServer(records))
  return records
})

const todosAdapter = createEntityAdapter<Todo>({
  sortComparer: (a, b) => a.title.localeCompare(b.title),
})

export const todos = createSyncedEntity({
  name: 'todos',
  initialState: todosAdapter.getInitialState({ filter: 'all' as Filter, status: 'idle' as 'idle' | 'loading' | 'failed' }),
  sortComparer: todosAdapter.sortComparer,
  reducers: {
    filterChanged(state, action: PayloadAction<Filter>) {
      state.filter = action.payload
    },
  },
  extraReducers: (builder) => {
    builder
      .addCase(fetchTodos.pending, (state) => {
        state.status = 'loading'
      })
      .addCase(fetchTodos.fulfilled, (state) => {
        state.status = 'idle'
      })
      .addCase(fetchTodos.rejected, (state) => {
        state.status = 'failed'
      })
  },
})

export const { added: todoAdded, updated: todoUpdated, removed: todoRemoved, upserted: todoSaved, filterChanged } = todos.actions
export const todosReducer = todos.reducer
export const { selectAll: selectTodos, selectById: selectTodoById } = todos.selectors
