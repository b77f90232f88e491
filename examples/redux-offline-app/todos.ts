// The app's todo list, written the redux-offline way: each change applies at once and carries
// `meta.offline` (what to send, what to dispatch when it is saved or refused). The move to rtk-offline
// does not change this file: only the store setup (before/store.ts → after/store.ts).
import { createAction, createSlice, type PayloadAction } from '@reduxjs/toolkit'

export const API = 'http://localhost/api'

export interface Todo {
  id: string
  title: string
  done: boolean
  /** Whether the server has it as shown. */
  saved: boolean
}

/** Dispatched by redux-offline (or rtk-offline/redux-offline) when the server took the change. */
export const todoSaved = createAction('todos/saved', (id: string) => ({ payload: null as unknown, meta: { id } }))
/** Dispatched when the server refused a new todo for good: it goes. */
export const todoRefused = createAction('todos/refused', (id: string) => ({ payload: null as unknown, meta: { id } }))

const todosSlice = createSlice({
  name: 'todos',
  initialState: [] as Todo[],
  reducers: {
    todoAdded: {
      reducer(state, action: PayloadAction<Todo>) {
        state.push(action.payload)
      },
      prepare: (id: string, title: string) => ({
        payload: { id, title, done: false, saved: false },
        meta: {
          offline: {
            effect: { url: `${API}/todos`, method: 'POST', json: { id, title, done: false } },
            commit: todoSaved(id),
            rollback: todoRefused(id),
          },
        },
      }),
    },
    todoToggled: {
      reducer(state, action: PayloadAction<{ id: string; done: boolean }>) {
        const todo = state.find((candidate) => candidate.id === action.payload.id)
        if (todo) Object.assign(todo, { done: action.payload.done, saved: false })
      },
      prepare: (id: string, done: boolean) => ({
        payload: { id, done },
        meta: { offline: { effect: { url: `${API}/todos/${id}`, method: 'PATCH', json: { done } }, commit: todoSaved(id) } },
      }),
    },
  },
  extraReducers: (builder) => {
    builder.addCase(todoSaved, (state, action) => {
      const todo = state.find((candidate) => candidate.id === action.meta.id)
      if (todo) todo.saved = true
    })
    builder.addCase(todoRefused, (state, action) => state.filter((todo) => todo.id !== action.meta.id))
  },
})

export const { todoAdded, todoToggled } = todosSlice.actions
export const todosReducer = todosSlice.reducer
