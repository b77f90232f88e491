import { configureStore } from '@reduxjs/toolkit'
import { createApi, fetchBaseQuery } from '@reduxjs/toolkit/query'
import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { createManualNetworkStatus, createOfflineSync, SyncSetupError } from '../../src'
import { createOfflineMutations } from '../../src/query'
import { useMswServer } from '../support/mswServer'
import { baseUrl, createTodoApi } from './page'

const posted: string[] = []
useMswServer(
  http.post(`${baseUrl}/todos`, async ({ request }) => {
    posted.push(request.headers.get('Idempotency-Key') ?? 'no key')
    return HttpResponse.json(await request.json())
  }),
)

describe('createOfflineMutations: set-up mistakes', () => {
  it('names an endpoint the API does not have', () => {
    const api = createTodoApi()
    // @ts-expect-error no such endpoint
    expect(() => createOfflineMutations({ api, endpoints: { addTodos: {} } })).toThrow(SyncSetupError)
    expect(() => createOfflineMutations({ api, endpoints: { addTodo: {} } })).not.toThrow()
  })

  it('reports a listed mutation sent without the outbox (the base query not wrapped), which RTK Query sends as before', async () => {
    const api = createApi({
      reducerPath: 'api',
      baseQuery: fetchBaseQuery({ baseUrl }),
      endpoints: (build) => ({ addTodo: build.mutation<{ id: string }, { id: string }>({ query: (todo) => ({ url: '/todos', method: 'POST', body: todo }) }) }),
    })
    const errors: unknown[] = []
    const offline = createOfflineMutations({ api, endpoints: { addTodo: {} }, onError: (error) => errors.push(error) })
    const sync = createOfflineSync({ entities: [offline.entity], adapter: offline.adapter(), network: createManualNetworkStatus(false) })
    const store = configureStore({
      reducer: { api: api.reducer, [offline.name]: offline.reducer, [sync.reducerPath]: sync.reducer },
      middleware: (getDefault) => getDefault().concat(api.middleware, offline.middleware, sync.middleware),
    })
    await store.dispatch(api.endpoints.addTodo.initiate({ id: 'a' })).unwrap()
    expect(posted).toEqual(['no key'])
    expect(offline.selectQueued(store.getState())).toEqual([])
    expect(errors).toEqual([expect.any(SyncSetupError)])
    expect((errors[0] as Error).message).toMatch(/offlineBaseQuery/)
    sync.stop()
  })
})
