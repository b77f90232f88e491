import { describe, expectTypeOf, it } from 'vitest'
import { createOfflineMutations, type OfflineMutations, type QueuedMutation } from 'rtk-offline/query'
import { createTodoApi, type Todo } from './page'

const api = createTodoApi()

describe('rtk-offline/query types', () => {
  it('types the optimistic recipe from the API: the mutation argument, the query names, their argument and data', () => {
    const offline = createOfflineMutations({
      api,
      endpoints: {
        addTodo: {
          optimistic: (todo, patch) => {
            expectTypeOf(todo).toEqualTypeOf<Todo>()
            patch('getTodos', undefined, (draft) => {
              expectTypeOf(draft).toEqualTypeOf<Todo[]>()
              draft.push(todo)
            })
            // @ts-expect-error a mutation is not a cache entry
            patch('renameTodo', { id: 'a', title: 'b' }, () => {})
            // @ts-expect-error no such query
            patch('getTodo', undefined, () => {})
          },
        },
        renameTodo: { optimistic: (arg) => expectTypeOf(arg).toEqualTypeOf<{ id: string; title: string }>() },
      },
    })
    expectTypeOf(offline).toEqualTypeOf<OfflineMutations<'offlineMutations'>>()
    expectTypeOf(offline.selectQueued).returns.toEqualTypeOf<QueuedMutation[]>()
  })

  it('lists only mutation endpoints, and keeps a literal name for the reducer', () => {
    createOfflineMutations({
      api,
      endpoints: {
        // @ts-expect-error a query cannot be queued
        getTodos: {},
      },
    })
    const named = createOfflineMutations({ api, name: 'queuedMutations', endpoints: { clearTodos: {} } })
    expectTypeOf(named.name).toEqualTypeOf<'queuedMutations'>()
  })
})
