import { createApi, fetchBaseQuery } from '@reduxjs/toolkit/query/react'

export interface Todo {
  id: string
  title: string
  done: boolean
}

export const api = createApi({
  baseQuery: fetchBaseQuery({ baseUrl: 'https://api.example.com/v1' }),
  tagTypes: ['Todo'],
  endpoints: (build) => ({
    getTodos: build.query<Todo[], void>({ query: () => '/todos', providesTags: ['Todo'] }),
    addTodo: build.mutation<Todo, Todo>({
      query: (todo) => ({ url: '/todos', method: 'POST', body: todo }),
      invalidatesTags: ['Todo'],
      async onQueryStarted(todo, { dispatch, queryFulfilled }) {
        const patch = dispatch(
          api.util.updateQueryData('getTodos', undefined, (draft) => {
            draft.push(todo)
          }),
        )
        queryFulfilled.catch(patch.undo)
      },
    }),
    toggleTodo: build.mutation<Todo, { id: string; done: boolean }>({
      query: ({ id, done }) => ({ url: `/todos/${id}`, method: 'PATCH', body: { done } }),
      invalidatesTags: ['Todo'],
      async onQueryStarted({ id, done }, { dispatch, queryFulfilled }) {
        const patch = dispatch(
          api.util.updateQueryData('getTodos', undefined, (draft) => {
            const todo = draft.find((item) => item.id === id)
            if (todo) todo.done = done
          }),
        )
        queryFulfilled.catch(patch.undo)
      },
    }),
  }),
})

export const { useGetTodosQuery, useAddTodoMutation, useToggleTodoMutation } = api
