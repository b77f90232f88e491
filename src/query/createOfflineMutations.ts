import { createAction, createEntityAdapter, createSelector, type EntityId, type Middleware, type Reducer, type UnknownAction } from '@reduxjs/toolkit'
import type { EndpointDefinitions, QueryReturnValue } from '@reduxjs/toolkit/query'
import { createSyncedEntity, SyncSetupError, type SyncedEntityState } from 'rtk-offline'
import { idPath, trieGet } from '../core/trie'
import { opsSettled, rehydrated, userSwitched } from '../slices/actions'
import { isReappliedAction } from '../slices/remoteAction'
import { baseQueryCalled, type SendRequest, type Ticket } from './actions'
import type { AnyApi } from './apiShape'
import { buildMutationAdapter } from './mutationAdapter'
import { buildOptimisticCache } from './optimisticCache'
import { ENGINE_KEY_PREFIX, type MutationRuntime, type StartedMutation } from './runtime'
import type { OfflineEndpointOptions, OfflineMutations, OfflineMutationsOptions, QueuedMutation } from './types'

type State = SyncedEntityState<QueuedMutation>
type Result = QueryReturnValue<unknown, unknown, unknown>

/** The meta RTK Query's mutation and query thunks put on their actions. */
interface ThunkMeta {
  requestId?: string
  arg?: { type?: string; endpointName?: string; originalArgs?: unknown; fixedCacheKey?: string }
}

/**
 * Queues an RTK Query API's mutations in rtk-offline's durable outbox: for the endpoints you list, a
 * triggered mutation is stored (its argument) before anything is sent, its optimistic patches are applied
 * to the query cache (and again after a reload, and on top of every refetch while it waits), and it is sent
 * through the endpoint with the engine's backoff, circuit breaker, tabs and status, one at a time, in order,
 * with its operation id as `Idempotency-Key`. The endpoint's own answer settles it: accepted, RTK Query
 * invalidates its tags as usual; refused (a 4xx), its patches are taken out and it is listed as failed
 * (`selectFailed`, `retryFailed`, `discardFailed`). The trigger's promise and the hook's result stay pending
 * until then.
 *
 * Wrap the API's base query in {@link offlineBaseQuery}, and put `middleware` after `api.middleware` and
 * before `sync.middleware`.
 *
 * @example
 * ```ts
 * const offline = createOfflineMutations({
 *   api,
 *   endpoints: { addTodo: { optimistic: (todo, patch) => patch('getTodos', undefined, (draft) => { draft.push(todo) }) } },
 * })
 * const sync = createOfflineSync({ entities: [offline.entity], adapter: offline.adapter(), persist: createPersistence() })
 * ```
 */
export function createOfflineMutations<TApi extends AnyApi, const TName extends string = 'offlineMutations'>(
  options: OfflineMutationsOptions<TApi, TName>,
): OfflineMutations<TName> {
  const api: AnyApi = options.api
  const endpoints = options.endpoints as Record<string, OfflineEndpointOptions<EndpointDefinitions, string> | undefined>
  if (process.env.NODE_ENV !== 'production') {
    if (!api || typeof api.reducerPath !== 'string' || typeof api.endpoints !== 'object')
      throw new SyncSetupError('`api` of createOfflineMutations must be the API createApi made (with its baseQuery wrapped in offlineBaseQuery).')
    for (const endpoint of Object.keys(endpoints))
      if (!(endpoint in api.endpoints)) throw new SyncSetupError(`createOfflineMutations: the API has no endpoint "${endpoint}"; list mutation endpoints by their name in createApi.`)
  }
  const name = options.name ?? ('offlineMutations' as TName)
  const generateId = options.generateId ?? (() => crypto.randomUUID())
  // Never pulled: a queue has nothing to pull; its records live only until their mutation is answered.
  const synced = createSyncedEntity<QueuedMutation>({ name, pull: false })
  const views = createEntityAdapter<QueuedMutation, EntityId>({ selectId: (record) => record.id })
  /** Drops mutations the server accepted from the view: the queue holds only work still to do. */
  const completed = /* @__PURE__ */ createAction<EntityId[]>(`${name}/mutationsCompleted`)
  const reportError = options.onError ?? ((error: unknown) => console.error(error))
  const cache = buildOptimisticCache(api, endpoints, reportError)

  const run: MutationRuntime = {
    dispatch: null,
    getState: null,
    started: new Map(),
    sending: new Map(),
    waiters: new Map(),
    answered: new Map(),
    onAnswered(id, verdict) {
      if (verdict === 'ok' && run.dispatch && run.getState) cache.confirmed(id, run.dispatch, run.getState)
      if (run.dispatch && run.getState) cache.sync(queuedOf(sliceOf(run.getState())), run.dispatch, run.getState)
    },
    onSending: (id, attempts) => cache.sending(id, attempts),
  }

  const sliceOf = (state: unknown): State | undefined => (state as Record<string, State | undefined> | undefined)?.[name]
  const seqOf = (state: State, id: EntityId) => trieGet(state.pending, idPath(id))?.changes[0]?.seq ?? Infinity
  /** The mutations waiting, oldest first: in the view, with an operation, and not accepted yet. */
  const queuedOf = (state: State | undefined): QueuedMutation[] =>
    state
      ? state.ids
          .filter((id) => trieGet(state.pending, idPath(id)) !== undefined && run.answered.get(String(id)) !== 'ok')
          .sort((a, b) => seqOf(state, a) - seqOf(state, b))
          .map((id) => state.entities[id]!)
      : []

  const inner = synced.reducer as Reducer<State>
  const reducer: Reducer<State> = (state, action) => {
    if (state !== undefined && completed.match(action)) {
      const done = action.payload.filter((id) => id in state.entities && trieGet(state.pending, idPath(id)) === undefined)
      return done.length === 0 ? state : (views.removeMany(state, done) as State)
    }
    return inner(state, action)
  }

  const isListed = (endpoint: string | undefined): endpoint is string => endpoint !== undefined && endpoints[endpoint] !== undefined
  const mutationEvent = (action: UnknownAction, event: string) => action.type === `${api.reducerPath}/executeMutation/${event}`

  const middleware: Middleware = (store) => {
    run.dispatch = store.dispatch
    run.getState = store.getState
    let seen = sliceOf(store.getState())

    /** The answer to a wrapped base query asking about a mutation's request. */
    function ticketFor(endpoint: string): Ticket | undefined {
      const started = run.started.get(endpoint)?.shift()
      if (!started) return undefined
      if (started.recordId !== null) {
        const sending = run.sending.get(started.recordId)
        return sending ? { kind: 'send', ...sending } : undefined
      }
      const id = generateId()
      // The waiter is in place before the mutation is queued: online, the engine may send it within that
      // very dispatch, and must send it through this trigger (not a second request of its own).
      let provide!: (send: SendRequest) => void
      const sendReady = new Promise<SendRequest>((resolve) => (provide = resolve))
      let settle!: (result: Result) => void
      const answer = new Promise<Result>((resolve) => (settle = resolve))
      run.waiters.set(id, { send: async (key, signal) => (await sendReady)(key, signal), resolve: settle })
      try {
        // The engine validates it: an argument that is not serialisable throws here, and the trigger
        // rejects with that error, nothing queued.
        store.dispatch(synced.actions.added({ id, endpoint, arg: started.arg, requestId: started.requestId }))
      } catch (error) {
        run.waiters.delete(id)
        throw error
      }
      return {
        kind: 'queued',
        wait: (send: SendRequest) => {
          provide(send)
          return answer
        },
      }
    }

    return (next) => (action) => {
      const act = action as UnknownAction
      if (baseQueryCalled.match(act)) return isListed(act.payload.endpoint) ? ticketFor(act.payload.endpoint) : act
      const meta = (act as { meta?: ThunkMeta }).meta
      if (mutationEvent(act, 'pending') && isListed(meta?.arg?.endpointName)) {
        const key = meta.arg.fixedCacheKey
        const started: StartedMutation = {
          requestId: meta.requestId ?? '',
          arg: meta.arg.originalArgs,
          recordId: key?.startsWith(ENGINE_KEY_PREFIX) ? key.slice(ENGINE_KEY_PREFIX.length) : null,
        }
        const list = run.started.get(meta.arg.endpointName) ?? []
        list.push(started)
        run.started.set(meta.arg.endpointName, list)
      } else if ((mutationEvent(act, 'fulfilled') || mutationEvent(act, 'rejected')) && isListed(meta?.arg?.endpointName)) {
        // A request whose base query never asked (not wrapped in offlineBaseQuery, or it failed before).
        const list = run.started.get(meta.arg.endpointName)
        const at = list?.findIndex((started) => started.requestId === meta.requestId) ?? -1
        if (list && at >= 0) {
          list.splice(at, 1)
          if (process.env.NODE_ENV !== 'production')
            reportError(new SyncSetupError(`The mutation "${meta.arg.endpointName}" was sent without the outbox: wrap the API's baseQuery in offlineBaseQuery().`))
        }
      }
      // A restore or another user: answers not settled by now never will be (Durability invariant 4).
      if (rehydrated.match(act) || userSwitched.match(act)) run.answered.clear()
      const settled = opsSettled.match(act) ? act.payload.results.filter((result) => result.entity === name) : []
      // This tab's own settlement applied again on a live tab's state (the answer to its hello): its trigger
      // and the cache were settled the first time; only the queue is tidied.
      const reapplied = isReappliedAction(act)
      const returned = next(action)
      // A query entry fetched again: the queued recipes go on top of the server's data.
      if (act.type === `${api.reducerPath}/executeQuery/fulfilled` && meta?.arg?.endpointName !== undefined)
        cache.fetched(meta.arg.endpointName, meta.arg.originalArgs, store.dispatch, store.getState)
      // A request of a query ended (not one RTK Query skipped because another is under way for the entry).
      const ended = act.type === `${api.reducerPath}/executeQuery/fulfilled` || (act.type === `${api.reducerPath}/executeQuery/rejected` && (meta as { condition?: boolean } | undefined)?.condition !== true)
      if (ended && meta?.arg?.endpointName !== undefined) cache.queryEnded(meta.arg.endpointName, meta.arg.originalArgs, store.dispatch)
      if (settled.length > 0) {
        const after = sliceOf(store.getState())
        const done: EntityId[] = []
        for (const result of settled) {
          const id = String(result.recordId)
          const stillQueued = after !== undefined && trieGet(after.pending, idPath(result.recordId))?.changes.some((change) => change.seq === result.seq) === true
          if (stillQueued) continue
          if (reapplied) {
            if (result.type === 'confirmed') done.push(result.recordId)
            continue
          }
          const answeredHere = run.answered.get(id) === 'ok'
          run.answered.delete(id)
          const waiter = run.waiters.get(id)
          if (waiter) run.waiters.delete(id)
          if (result.type === 'confirmed') {
            done.push(result.recordId)
            // Sent by another tab: this page cannot know when the server applied it, so the entries it changed
            // are fetched again (see cache.confirmed), and a trigger waiting in this tab settles with the answer.
            if (!answeredHere) cache.confirmed(id, store.dispatch, store.getState)
            const record = (result.record ?? after?.entities[result.recordId]) as QueuedMutation | undefined
            waiter?.resolve({ data: record?.result })
          }
          // Given up (by another tab, or the engine when attempts ran out) while its trigger still waits here.
          if (result.type === 'failed') waiter?.resolve({ error: result.error })
        }
        if (done.length > 0) store.dispatch(completed(done))
      }
      const now = sliceOf(store.getState())
      if (now !== seen) {
        seen = now
        cache.sync(queuedOf(now), store.dispatch, store.getState)
      }
      return returned
    }
  }

  const selectQueued = createSelector([sliceOf], (state): QueuedMutation[] =>
    state ? state.ids.filter((id) => trieGet(state.pending, idPath(id)) !== undefined).map((id) => state.entities[id]!) : [],
  )

  return {
    name,
    entity: synced,
    reducer,
    middleware,
    adapter: (adapter) => buildMutationAdapter(name, api, options, run, adapter),
    selectQueued,
    selectQueuedByRequestId: (state, requestId) => (requestId === undefined ? undefined : selectQueued(state).find((record) => record.requestId === requestId)),
  }
}
