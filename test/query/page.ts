import { configureStore, type Middleware, type UnknownAction } from '@reduxjs/toolkit'
import { createApi, fetchBaseQuery } from '@reduxjs/toolkit/query'
import { http, HttpResponse } from 'msw'
import { createManualNetworkStatus, createOfflineSync, type OfflineSyncOptions } from '../../src'
import { createPersistence, type PersistOptions, type SyncStorage } from '../../src/persist'
import { createOfflineMutations, offlineBaseQuery, type OfflineMutationsOptions } from '../../src/query'

export const baseUrl = 'http://api.test'

export interface Todo {
  id: string
  title: string
}

/** A todo API as an RTK Query app writes it; only the base query is wrapped. */
export function createTodoApi() {
  return createApi({
    reducerPath: 'api',
    baseQuery: offlineBaseQuery(fetchBaseQuery({ baseUrl })),
    tagTypes: ['Todo'],
    endpoints: (build) => ({
      getTodos: build.query<Todo[], void>({ query: () => '/todos', providesTags: ['Todo'] }),
      addTodo: build.mutation<Todo, Todo>({ query: (todo) => ({ url: '/todos', method: 'POST', body: todo }), invalidatesTags: ['Todo'] }),
      renameTodo: build.mutation<Todo, { id: string; title: string }>({
        query: ({ id, title }) => ({ url: `/todos/${id}`, method: 'PATCH', body: { title } }),
        invalidatesTags: ['Todo'],
      }),
      // Not listed in createOfflineMutations: sent as RTK Query sends it.
      clearTodos: build.mutation<null, void>({ query: () => ({ url: '/todos', method: 'DELETE' }), invalidatesTags: ['Todo'] }),
    }),
  })
}
export type TodoApi = ReturnType<typeof createTodoApi>

/** The MSW backend: the todos, every request it got, and answers the test can script per request. */
export function createTodoBackend() {
  const todos: Todo[] = []
  const requests: Array<{ method: string; path: string; key: string | null; body: unknown }> = []
  /** Answers for the next writes, oldest first: a status to refuse with, 'network' to drop the connection, 'ok' to apply it. */
  const failNext: Array<number | 'network' | 'ok'> = []
  const write = async (request: Request, apply: (body: Record<string, unknown>) => Response) => {
    const body = request.method === 'DELETE' ? null : ((await request.json()) as Record<string, unknown>)
    requests.push({ method: request.method, path: new URL(request.url).pathname, key: request.headers.get('Idempotency-Key'), body })
    const failure = failNext.shift()
    if (failure === 'network') return HttpResponse.error()
    if (failure !== undefined && failure !== 'ok') return HttpResponse.json({ message: 'refused' }, { status: failure })
    return apply(body ?? {})
  }
  const handlers = [
    http.get(`${baseUrl}/todos`, () => {
      requests.push({ method: 'GET', path: '/todos', key: null, body: null })
      return HttpResponse.json(todos)
    }),
    http.post(`${baseUrl}/todos`, ({ request }) =>
      write(request, (body) => {
        todos.push(body as unknown as Todo)
        return HttpResponse.json(body, { status: 201 })
      }),
    ),
    http.patch(`${baseUrl}/todos/:id`, ({ request, params }) =>
      write(request, (body) => {
        const todo = todos.find((item) => item.id === params.id)
        if (!todo) return HttpResponse.json({ message: 'not found' }, { status: 404 })
        Object.assign(todo, body)
        return HttpResponse.json(todo)
      }),
    ),
    http.delete(`${baseUrl}/todos`, ({ request }) =>
      write(request, () => {
        todos.length = 0
        return HttpResponse.json(null)
      }),
    ),
  ]
  return { todos, requests, failNext, handlers, writes: () => requests.filter((request) => request.method !== 'GET') }
}

let pages = 0

/** One page of the app: the API, its queued mutations, the sync engine and a store; every action recorded. */
export function loadQueryPage(
  options: {
    online?: boolean
    storage?: SyncStorage
    /** Persistence options over the defaults here (tabs off, throttle 10 ms). */
    persist?: Partial<PersistOptions>
    sync?: Partial<Omit<OfflineSyncOptions, 'entities' | 'adapter' | 'persist'>>
    offline?: Partial<Pick<OfflineMutationsOptions<TodoApi>, 'classifyError' | 'retry' | 'now'>>
  } = {},
) {
  const page = ++pages
  const api = createTodoApi()
  let n = 0
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
    },
    generateId: () => `p${page}-m${++n}`,
    random: () => 0.5,
    ...options.offline,
  })
  const network = createManualNetworkStatus(options.online ?? false)
  let ops = 0
  const errors: unknown[] = []
  const sync = createOfflineSync({
    entities: [offline.entity],
    adapter: offline.adapter(),
    network,
    generateId: () => `p${page}-op${++ops}`,
    random: () => 0.5,
    onError: (error) => errors.push(error),
    ...options.sync,
    ...(options.storage ? { persist: createPersistence({ storage: options.storage, throttleMs: 10, tabs: false, ...options.persist }) } : {}),
  })
  const actions: UnknownAction[] = []
  const recorder: Middleware = () => (next) => (action) => {
    actions.push(action as UnknownAction)
    return next(action)
  }
  const store = configureStore({
    reducer: { [api.reducerPath]: api.reducer, [offline.name]: offline.reducer, [sync.reducerPath]: sync.reducer },
    middleware: (getDefault) => getDefault().concat(recorder, api.middleware, offline.middleware, sync.middleware),
  })
  const persistor = options.storage ? sync.persist(store) : null
  return {
    api,
    offline,
    sync,
    store,
    network,
    persistor,
    errors,
    actions,
    /** The todos the query cache shows. */
    cached: () => api.endpoints.getTodos.select()(store.getState()).data,
    status: () => sync.selectors.selectStatus(store.getState()),
    /** The ids of the operations in the outbox, oldest first: the Idempotency-Keys they are sent with. */
    opIds: () => sync.selectors.selectOps(store.getState()).map((op) => op.id),
    queued: () => offline.selectQueued(store.getState()),
    /** Subscribes to the todo list, as a mounted useGetTodosQuery() does. */
    watchTodos: () => store.dispatch(api.endpoints.getTodos.initiate()),
    stop() {
      sync.stop()
      store.dispatch(api.util.resetApiState())
    },
  }
}
