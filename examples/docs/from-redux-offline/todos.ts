// An app's reducer as it is on redux-offline (unchanged by the move): the change applies at once, and its
// action carries `meta.offline` (what to send, what to dispatch once the server took it or refused it).
import { createSlice, type PayloadAction } from '@reduxjs/toolkit'

export interface Todo {
  id: string
  title: string
  saved: boolean
}

const todosSlice = createSlice({
  name: 'todos',
  initialState: [] as Todo[],
  reducers: {
    todoAdded: {
      reducer: (state, action: PayloadAction<Todo>) => void state.push(action.payload),
      prepare: (id: string, title: string) => ({
        payload: { id, title, saved: false },
        meta: {
          offline: {
            effect: { url: '/api/todos', method: 'POST', json: { id, title } },
            commit: { type: 'todos/todoSaved', meta: { id } },
            rollback: { type: 'todos/todoRefused', meta: { id } },
          },
        },
      }),
    },
    todoSaved: {
      reducer: (state, action: PayloadAction<unknown, string, { id: string }>) =>
        state.map((todo) => (todo.id === action.meta.id ? { ...todo, saved: true } : todo)),
      prepare: (id: string) => ({ payload: null, meta: { id } }),
    },
    todoRefused: {
      reducer: (state, action: PayloadAction<unknown, string, { id: string }>) => state.filter((todo) => todo.id !== action.meta.id),
      prepare: (id: string) => ({ payload: null, meta: { id } }),
    },
  },
})

export const { todoAdded } = todosSlice.actions
export const todosReducer = todosSlice.reducer
