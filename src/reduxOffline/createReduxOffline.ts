import { createAction, createEntityAdapter, createSelector, type EntityId, type Middleware, type Reducer, type UnknownAction } from '@reduxjs/toolkit'
import { createSyncedEntity, SyncSetupError, type SyncedEntityState } from 'rtk-offline'
import { idPath, trieGet } from '../core/trie'
import { opsSettled, rehydrated, userSwitched, type Settlement } from '../slices/actions'
import { isReappliedAction } from '../slices/remoteAction'
import { completionAction } from './completionActions'
import { buildEffectAdapter, type EffectRunState } from './effectAdapter'
import { createFetchEffect } from './fetchEffect'
import { holdSending } from './holdSending'
import type { QueuedAction, ReduxOffline, ReduxOfflineAction, ReduxOfflineOptions } from './types'

type State = SyncedEntityState<QueuedAction>

/**
 * Whether an action is one redux-offline would queue: `meta.offline` with an `effect`. (rtk-offline's own
 * entity actions also carry `meta.offline` once stamped, with `stamps` and no `effect`.)
 */
export function isReduxOfflineAction(action: unknown): action is ReduxOfflineAction {
  const meta = (action as { meta?: { offline?: unknown; offlineEntity?: unknown } } | null)?.meta
  const offline = meta?.offline
  return meta?.offlineEntity === undefined && typeof offline === 'object' && offline !== null && 'effect' in offline
}

/**
 * Runs redux-offline's `meta.offline` actions on rtk-offline's durable outbox: each action is queued as a
 * record of a synced entity (so it is stored before its effect runs, survives a reload, and is sent with
 * the engine's backoff, circuit breaker, tabs, status and idempotency key), its effect is run by your
 * `effect` function, and its `commit` or `rollback` is dispatched as redux-offline dispatches it.
 *
 * Effects run at least once: an effect whose answer was lost (a timeout, a crash) runs again with the
 * same `idempotencyKey`, which your server can use to apply it once.
 *
 * @example
 * ```ts
 * const reduxOffline = createReduxOffline({ effect: (effect) => fetch(effect.url, effect).then((r) => r.json()) })
 * const sync = createOfflineSync({ entities: [reduxOffline.entity], adapter: reduxOffline.adapter(), persist: createPersistence() })
 * const store = configureStore({
 *   reducer: { todos: todosReducer, [reduxOffline.name]: reduxOffline.reducer, [sync.reducerPath]: sync.reducer },
 *   middleware: (getDefault) => getDefault().concat(reduxOffline.middleware, sync.middleware),
 * })
 * ```
 */
export function createReduxOffline<const TName extends string = 'reduxOffline'>(options: ReduxOfflineOptions<TName> = {}): ReduxOffline<TName> {
  if (process.env.NODE_ENV !== 'production' && options.effect !== undefined && typeof options.effect !== 'function')
    throw new SyncSetupError('`effect` of createReduxOffline must be a function (effect, action, { idempotencyKey, signal }) => Promise, as redux-offline\'s `effect` config; leave it out for the fetch effect.')
  const effect = options.effect ?? createFetchEffect()
  const name = options.name ?? ('reduxOffline' as TName)
  const generateId = options.generateId ?? (() => crypto.randomUUID())
  // Never pulled: there is nothing to pull a queue from; its records live only until their effect ends.
  const synced = createSyncedEntity<QueuedAction>({ name, pull: false })
  const run: EffectRunState = { getState: null, errors: new Map(), answered: new Set() }
  const views = createEntityAdapter<QueuedAction, EntityId>({ selectId: (record) => record.id })
  /** Drops records whose effect has ended from the view: the queue holds only work still to do. */
  const completed = /* @__PURE__ */ createAction<EntityId[]>(`${name}/effectsCompleted`)

  const sliceOf = (state: unknown): State | undefined => (state as Record<string, State | undefined> | undefined)?.[name]
  /** The queued action of a settled operation, as the view held it before the settlement. */
  const queuedOf = (state: State | undefined, result: Settlement): QueuedAction | undefined => {
    const change = state && trieGet(state.pending, idPath(result.recordId))?.changes.find((pending) => pending.seq === result.seq)
    return change?.kind === 'create' ? (change.data as unknown as QueuedAction) : undefined
  }
  const stillQueued = (state: State | undefined, result: Settlement) =>
    trieGet(state?.pending ?? {}, idPath(result.recordId))?.changes.some((pending) => pending.seq === result.seq) === true

  const inner = synced.reducer as Reducer<State>
  const reducer: Reducer<State> = (state, action) => {
    if (state !== undefined && completed.match(action)) {
      const done = action.payload.filter((id) => id in state.entities && trieGet(state.pending, idPath(id)) === undefined)
      return done.length === 0 ? state : (views.removeMany(state, done) as State)
    }
    return inner(state, action)
  }

  const middleware: Middleware = (api) => {
    run.getState = api.getState
    // Sending waits for the app's state to be restored (`holdUntil`), from the store's first action on.
    let release: (() => void) | null = null
    let held = options.holdUntil === undefined
    // Commits and rollbacks that came while held: with tabs another tab sends, and its settlements reach
    // this one all the same; dispatched once the app's state is back, in order.
    const deferred: UnknownAction[] = []
    const complete = (action: UnknownAction) => (release ? deferred.push(action) : api.dispatch(action))
    return (next) => (action) => {
      if (!held) {
        held = true
        release = holdSending(instance, api.dispatch, false)
      }
      if (release && options.holdUntil!(action as UnknownAction)) {
        const returned = next(action)
        release()
        release = null
        for (const completion of deferred.splice(0)) api.dispatch(completion)
        return returned
      }
      if (isReduxOfflineAction(action)) {
        // Queued first: an action the engine refuses (not serialisable) is then not applied either.
        api.dispatch(synced.actions.added({ id: generateId(), action }))
        return next(action)
      }
      // A restore or another user: answers not settled by now never will be (Durability invariant 4).
      if (rehydrated.match(action) || userSwitched.match(action)) run.answered.clear()
      if (!opsSettled.match(action)) return next(action)
      // This tab's own settlement applied again on a live tab's state (the answer to its hello): the app
      // got its commit or rollback the first time; only the queue is tidied.
      const reapplied = isReappliedAction(action)
      for (const result of action.payload.results) if (result.entity === name) run.answered.delete(String(result.recordId))
      const ours = action.payload.results.filter((result) => result.entity === name && (result.type === 'confirmed' || result.type === 'failed'))
      if (ours.length === 0) return next(action)
      const before = sliceOf(api.getState())
      const queued = ours.map((result) => queuedOf(before, result))
      const returned = next(action)
      const after = sliceOf(api.getState())
      const done: EntityId[] = []
      ours.forEach((result, index) => {
        const item = queued[index]
        // Durability invariant 4: only a settlement the reducers applied (the operation still had that id).
        if (item === undefined || stillQueued(after, result)) return
        if (result.type === 'confirmed') {
          const record = (result.record ?? after?.entities[result.recordId]) as QueuedAction | undefined
          if (!reapplied) complete(completionAction(item.action, true, record?.result))
          done.push(result.recordId)
        } else if (result.type === 'failed' && !reapplied) {
          // The error the effect threw, where it ran (this tab); its description elsewhere.
          const error = run.errors.has(result.opId) ? run.errors.get(result.opId) : result.error
          run.errors.delete(result.opId)
          complete(completionAction(item.action, false, error))
        }
      })
      if (done.length > 0) api.dispatch(completed(done))
      return returned
    }
  }

  const selectOutbox = createSelector([sliceOf], (state): ReduxOfflineAction[] =>
    state ? state.ids.filter((id) => trieGet(state.pending, idPath(id)) !== undefined).map((id) => state.entities[id]!.action) : [],
  )

  const instance: ReduxOffline<TName> = {
    name,
    entity: synced,
    reducer,
    middleware,
    adapter: (adapter) => buildEffectAdapter(name, { ...options, effect }, run, adapter),
    selectOutbox,
    queued: (action, id) => synced.actions.added({ id: id ?? generateId(), action }) as UnknownAction,
  }
  return instance
}
