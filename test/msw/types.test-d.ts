import { describe, expectTypeOf, it } from 'vitest'
import { createMockBackend } from 'rtk-offline/msw'
import type { LoggedRequest, MockFailure, MockPullPage, MockRecord } from 'rtk-offline/msw'

interface Todo {
  id: string
  title: string
  done: boolean
}

const backend = createMockBackend({ baseUrl: 'http://localhost/api' })

describe('rtk-offline/msw types', () => {
  it('seeds records typed with an app interface, and with literals', () => {
    const todos: Todo[] = [{ id: '1', title: 'Buy milk', done: false }]
    backend.seed('todos', todos)
    backend.seed('todos', [{ id: 1, title: 'Literal', version: 3 }])
    // @ts-expect-error a record needs an id
    backend.seed('todos', [{ title: 'No id' }])
  })

  it('returns plain records and a readonly request log', () => {
    expectTypeOf(backend.records('todos')).toEqualTypeOf<MockRecord[]>()
    expectTypeOf(backend.record('todos', '1')).toEqualTypeOf<MockRecord | undefined>()
    expectTypeOf(backend.editRemote('todos', '1', { done: true })).toEqualTypeOf<MockRecord>()
    expectTypeOf(backend.requests).toEqualTypeOf<readonly LoggedRequest[]>()
    expectTypeOf<MockPullPage['changes'][number]['record']>().toEqualTypeOf<MockRecord | null>()
  })

  it('takes only the failures it can inject', () => {
    expectTypeOf<MockFailure>().toEqualTypeOf<number | 'network' | 'lost-response'>()
    backend.failNext(2, 'lost-response', { methods: ['POST'] })
    // @ts-expect-error not a failure kind
    backend.failNext(1, 'timeout')
    // @ts-expect-error methods is a list
    backend.failNext(1, 500, { methods: 'POST' })
  })
})
