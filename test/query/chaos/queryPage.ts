import { configureStore } from '@reduxjs/toolkit'
import { createApi, fetchBaseQuery } from '@reduxjs/toolkit/query'
import { createManualNetworkStatus, createOfflineSync } from '../../../src'
import { createPersistence } from '../../../src/persist'
import { createOfflineMutations, offlineBaseQuery } from '../../../src/query'
import { crashable, type BaseStorage } from '../../chaos/crashableStorage'
import type { Clock, Work } from './clock'
import { baseUrl, type Todo } from './todoServer'

export const REQUEST_TIMEOUT_MS = 2_000
export const PERSIST_KEY = 'query-chaos'

/** The todo API as an app writes it, with three listed mutations; only the base query is wrapped. */
function createTodoApi(fetchFn: typeof fetch) {
  return createApi({
    reducerPath: 'api',
    baseQuery: offlineBaseQuery(fetchBaseQuery({ baseUrl, fetchFn })),
    tagTypes: ['Todo'],
    endpoints: (build) => ({
      getTodos: build.query<Todo[], void>({ query: () => '/todos', providesTags: ['Todo'] }),
      addTodo: build.mutation<Todo, Todo>({ query: (todo) => ({ url: '/todos', method: 'POST', body: todo }), invalidatesTags: ['Todo'] }),
      renameTodo: build.mutation<Todo, { id: string; title: string }>({
        query: ({ id, title }) => ({ url: `/todos/${id}`, method: 'PATCH', body: { title } }),
        invalidatesTags: ['Todo'],
      }),
      toggleTodo: build.mutation<Todo, { id: string; token: string }>({
        query: ({ id, token }) => ({ url: `/todos/${id}/toggle`, method: 'POST', body: { token } }),
        invalidatesTags: ['Todo'],
      }),
    }),
  })
}

export interface PageContext {
  clock: Clock
  /** The device's IndexedDB storage, shared by its pages. */
  base: BaseStorage
  /** Requests under way, by the id each carries in `x-chaos-request` (a slow answer pauses its own). */
  works: Map<string, Work>
  generation: number
  online: boolean
  /** Two pages on one storage: persistence with tabs (Web Locks, BroadcastChannel). */
  tabs: boolean
  locks: LockManager
}

/** One page load: the API, its queued mutations, the engine and persistence on the device's storage. */
export function openQueryPage(context: PageContext) {
  const { clock, generation } = context
  const storage = crashable(context.base, clock)
  let dead = false
  let requests = 0
  const fetchFn: typeof fetch = async (input, init) => {
    // A dead page sends nothing more; what it sent before is on the wire.
    if (dead) throw new TypeError('fetch failed: the page is gone')
    const request = new Request(input, init)
    const id = `g${generation}-r${++requests}`
    request.headers.set('x-chaos-request', id)
    const work = clock.work()
    context.works.set(id, work)
    try {
      return await fetch(request)
    } finally {
      work.done()
      context.works.delete(id)
    }
  }
  const api = createTodoApi(fetchFn)
  let mutations = 0
  const errors: unknown[] = []
  const offline = createOfflineMutations({
    api,
    endpoints: {
      addTodo: { optimistic: (todo, patch) => patch('getTodos', undefined, (draft) => void draft.push(todo)) },
      renameTodo: {
        optimistic: ({ id, title }, patch) =>
          patch('getTodos', undefined, (draft) => {
            const todo = draft.find((item) => item.id === id)
            if (todo) todo.title = title
          }),
      },
      toggleTodo: {
        optimistic: ({ id }, patch) =>
          patch('getTodos', undefined, (draft) => {
            const todo = draft.find((item) => item.id === id)
            if (todo) todo.done = !todo.done
          }),
      },
    },
    generateId: () => `g${generation}-m${++mutations}`,
    now: clock.now,
    random: () => 0.5,
    retry: { baseDelayMs: 100, maxDelayMs: 2_000 },
    onError: (error) => errors.push(error),
  })
  const network = createManualNetworkStatus(context.online)
  let ops = 0
  const sync = createOfflineSync({
    entities: [offline.entity],
    adapter: offline.adapter(),
    network,
    now: clock.now,
    timers: clock.timers,
    random: () => 0.5,
    generateId: () => `g${generation}-op${++ops}`,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    retry: { baseDelayMs: 100, maxDelayMs: 2_000 },
    circuitBreaker: { failureThreshold: 5, cooldownMs: 2_000 },
    pullIntervalMs: 0,
    // A fresh token is always at hand: the 401s injected are expired tokens.
    onAuthError: async () => {
      await Promise.resolve()
      return true
    },
    onError: (error) => errors.push(error),
    persist: createPersistence({ storage, throttleMs: 10, tabs: context.tabs, locks: context.locks, key: PERSIST_KEY }),
  })
  const store = configureStore({
    reducer: { [api.reducerPath]: api.reducer, [offline.name]: offline.reducer, [sync.reducerPath]: sync.reducer },
    middleware: (getDefault) => getDefault({ serializableCheck: false, immutableCheck: false }).concat(api.middleware, offline.middleware, sync.middleware),
  })
  const persistor = sync.persist(store)
  // A mounted useGetTodosQuery(): subscribed, so the mutations' tags refetch it.
  store.dispatch(api.endpoints.getTodos.initiate())
  return {
    generation,
    api,
    offline,
    sync,
    store,
    network,
    persistor,
    storage,
    errors,
    get dead() {
      return dead
    },
    cached: () => api.endpoints.getTodos.select()(store.getState()).data,
    /** Whether a read of the list is under way. */
    isReading: () => api.endpoints.getTodos.select()(store.getState()).isLoading || api.endpoints.getTodos.select()(store.getState()).status === 'pending',
    pending: () => sync.selectors.selectPendingCount(store.getState()),
    failed: () => sync.selectors.selectFailed(store.getState()),
    refetch: () => store.dispatch(api.endpoints.getTodos.initiate(undefined, { forceRefetch: true, subscribe: false })),
    /** The page dies at this instant: storage cut off, engine and persistence stopped, nothing flushed. */
    crash() {
      storage.crash()
      dead = true
      sync.stop()
      persistor.stop()
    },
    /** The page is closed after everything it did is stored. */
    async close() {
      await sync.flush()
      storage.crash()
      dead = true
      sync.stop()
      persistor.stop()
    },
  }
}

export type QueryPage = ReturnType<typeof openQueryPage>
