import { createApi, fetchBaseQuery } from '@reduxjs/toolkit/query/react'
import { offlineBaseQuery } from 'rtk-offline/query'

export interface Todo {
  id: string
  title: string
  done: boolean
}

export const api = createApi({
  baseQuery: offlineBaseQuery(fetchBaseQuery({ baseUrl: 'https://api.example.com/v1' })),
  tagTypes: ['Todo'],
  endpoints: (build) => ({
    getTodos: build.query<Todo[], void>({ query: () => '/todos', providesTags: ['Todo'] }),
    addTodo: build.mutation<Todo, Todo>({
      query: (todo) => ({ url: '/todos', method: 'POST', body: todo }),
      invalidatesTags: ['Todo'],
    }),
    toggleTodo: build.mutation<Todo, { id: string; done: boolean }>({
      query: ({ id, done }) => ({ url: `/todos/${id}`, method: 'PATCH', body: { done } }),
      invalidatesTags: ['Todo'],
    }),
  }),
})

export const { useGetTodosQuery, useAddTodoMutation, useToggleTodoMutation } = api
