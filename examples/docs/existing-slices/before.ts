import { createAsyncThunk, createEntityAdapter, createSlice, type PayloadAction } from '@reduxjs/toolkit'

export interface Todo {
  id: string
  title: string
  done: boolean
  version?: number
}
export type Filter = 'all' | 'active' | 'done'

export const fetchTodos = createAsyncThunk('todos/fetch', async () => {
  const response = await fetch('https://api.example.com/v1/todos')
  return (await response.json()) as Todo[]
})

const todosAdapter = createEntityAdapter<Todo>({
  sortComparer: (a, b) => a.title.localeCompare(b.title),
})

const todosSlice = createSlice({
  name: 'todos',
  initialState: todosAdapter.getInitialState({ filter: 'all' as Filter, status: 'idle' as 'idle' | 'loading' | 'failed' }),
  reducers: {
    todoAdded: todosAdapter.addOne,
    todoUpdated: todosAdapter.updateOne,
    todoRemoved: todosAdapter.removeOne,
    todoSaved: todosAdapter.upsertOne,
    filterChanged(state, action: PayloadAction<Filter>) {
      state.filter = action.payload
    },
  },
  extraReducers: (builder) => {
    builder
      .addCase(fetchTodos.pending, (state) => {
        state.status = 'loading'
      })
      .addCase(fetchTodos.fulfilled, (state, action) => {
        state.status = 'idle'
        todosAdapter.setAll(state, action.payload)
      })
      .addCase(fetchTodos.rejected, (state) => {
        state.status = 'failed'
      })
  },
})

export const { todoAdded, todoUpdated, todoRemoved, todoSaved, filterChanged } = todosSlice.actions
export const todosReducer = todosSlice.reducer
export const { selectAll: selectTodos, selectById: selectTodoById } = todosAdapter.getSelectors(
  (state: { todos: ReturnType<typeof todosReducer> }) => state.todos,
)
