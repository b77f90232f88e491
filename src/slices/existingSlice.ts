import {
  createAction,
  createSlice,
  isDraft,
  type ActionReducerMapBuilder,
  type EntityAdapter,
  type EntityId,
  type EntityState,
  type Reducer,
  type SliceCaseReducers,
  type SliceSelectors,
  type UnknownAction,
} from '@reduxjs/toolkit'
import { SyncSetupError } from '../core/errors'
import { idPath, trieGet, trieValues, type Trie } from '../core/trie'
import { pulledPage } from './actions'

// What createSyncedEntity does for an app's existing slice (issue 12): an initial state with local fields
// and records, local reducers beside the synced records, a sort order kept on every path, and a load of
// the server's records as confirmed state. The options' types are in sliceOptions.ts.

type Rec = Record<string, unknown>
/** What this module reads of a synced entity slice's state (SyncedEntityState, not imported: no import cycle). */
export type SliceState = EntityState<Rec, EntityId> & { pending: Trie<{ id: EntityId; base: Rec | null }> }
type State = SliceState

/** The entity's own action names, which local reducers may not take. */
const ownActions = ['added', 'addedMany', 'updated', 'updatedMany', 'removed', 'removedMany', 'upserted', 'upsertedMany', 'loadedFromServer']

/** Whether an action is a synced entity's `loadedFromServer` (shared with the other tabs, as a pulled page is). */
export function isServerLoad(action: UnknownAction): boolean {
  return typeof (action.meta as { offlineLoad?: unknown } | undefined)?.offlineLoad === 'string'
}

/** The slice's initial state: the app's local fields and records (sorted), no pending changes. */
export function initialSliceState(name: string, adapter: EntityAdapter<Rec, EntityId>, given: unknown): State {
  if (given === undefined) return adapter.getInitialState({ pending: {} })
  const { ids, entities, pending: _pending, ...local } = (given ?? {}) as Partial<State>
  if (process.env.NODE_ENV !== 'production') {
    if (!Array.isArray(ids) || typeof entities !== 'object' || entities === null)
      throw new SyncSetupError(
        `\`initialState\` of "${name}" must be an entity state with local fields beside it: adapter.getInitialState({ status: 'idle' }), or { ids: [], entities: {}, status: 'idle' }.`,
      )
    if (_pending !== undefined)
      throw new SyncSetupError(`\`initialState\` of "${name}" has a field \`pending\`, which holds rtk-offline's pending changes: rename it (for example \`isLoading\`).`)
  }
  const records = ids!.map((id) => entities![id]).filter((record): record is Rec => record !== undefined)
  return adapter.setAll(adapter.getInitialState({ ...local, pending: {} }), records)
}

/** What {@link extendSyncedReducer} needs of the entity and of its options. */
export interface ExistingSliceConfig {
  name: string
  selectId: (record: Rec) => EntityId
  sortComparer: false | ((a: Rec, b: Rec) => number)
  reducers: SliceCaseReducers<State> | undefined
  extraReducers: ((builder: ActionReducerMapBuilder<State>) => void) | undefined
  initialState: State
}

/**
 * The synced entity's reducer with its existing slice's parts around it, and their action creators
 * (`loadedFromServer` and those of the local reducers).
 */
export function extendSyncedReducer(
  base: Reducer<State>,
  config: ExistingSliceConfig,
): { reducer: Reducer<State>; actions: Record<string, unknown> } {
  const { name, selectId, sortComparer, reducers, extraReducers, initialState } = config
  if (process.env.NODE_ENV !== 'production') {
    const taken = Object.keys(reducers ?? {}).filter((key) => ownActions.includes(key))
    if (taken.length > 0)
      throw new SyncSetupError(
        `the reducers ${taken.join(', ')} of "${name}" have names of its synced actions; rename them, or drop them and dispatch ${name}.actions.${taken[0]} (sent to the server).`,
      )
  }
  const load = createAction(`${name}/loadedFromServer`, (records: readonly Rec[]) => ({ payload: records, meta: { offlineLoad: name } }))
  // The app's reducers run in a slice of their own after the synced one, under the same name (so their
  // action types are `<name>/<key>`, as they were); RTK skips it for actions it has no case of.
  const local =
    reducers || extraReducers ? createSlice<State, SliceCaseReducers<State>, string, SliceSelectors<State>>({ name, initialState, reducers: reducers ?? {}, extraReducers }) : null

  /**
   * A load is a pulled page of every record it holds and of a tombstone for each record it does not that
   * the server had (shown without pending changes, or with a confirmed state): the same move as a pull,
   * so pending changes replay on the new confirmed state and older records never replace newer ones.
   */
  function loaded(state: State, records: readonly Rec[]): State {
    const changes: Array<{ id: EntityId; record: Rec | null }> = []
    const ids = new Set<EntityId>()
    for (const record of records) {
      const id = selectId(record)
      ids.add(id)
      changes.push({ id, record })
    }
    for (const id of state.ids) if (!ids.has(id) && !trieGet(state.pending, idPath(id))) changes.push({ id, record: null })
    for (const entry of trieValues(state.pending)) if (!ids.has(entry.id) && entry.base !== null) changes.push({ id: entry.id, record: null })
    const next = base(state, pulledPage({ entity: name, changes, cursor: null, hasMore: false, at: 0 }))
    if (sortComparer) return next
    // As setAll: the loaded records in the order they came, then those only pending changes show.
    const order = [...[...ids].filter((id) => id in next.entities), ...next.ids.filter((id) => !ids.has(id))]
    if (order.every((id, index) => id === next.ids[index])) return next
    if (isDraft(next)) {
      next.ids = order
      return next
    }
    return Object.freeze({ ...next, ids: Object.freeze(order) as EntityId[] })
  }

  const reducer = (state: State | undefined, action: UnknownAction): State => {
    let next = load.match(action) ? loaded(state ?? initialState, action.payload) : base(state, action)
    if (local) {
      const before = next
      next = local.reducer(next, action)
      if (next !== before && !isDraft(next) && (next.ids !== before.ids || next.entities !== before.entities || next.pending !== before.pending)) {
        if (process.env.NODE_ENV !== 'production')
          throw new SyncSetupError(
            `"${action.type}" changed records of "${name}" in a local reducer; local reducers change local fields only. Dispatch ` +
              `${name}.actions.added, updated, upserted or removed (sent to the server), or loadedFromServer (the server's records).`,
          )
        // Records change only through the synced actions (replay invariant): the local reducer's change to them is dropped.
        next = { ...next, ids: before.ids, entities: before.entities, pending: before.pending }
      }
    }
    if (sortComparer && (isDraft(next) || next.ids !== state?.ids || next.entities !== state?.entities)) next = sorted(next, sortComparer)
    return next
  }
  return { reducer: reducer as Reducer<State>, actions: { ...local?.actions, loadedFromServer: load } }
}

/**
 * The state with its ids in `compare`'s order. The synced paths that skip the entity adapter (the
 * copy-on-write reducers, the restore's merge, another tab's state) place records as they come; checked
 * in one pass, sorted only when out of order.
 */
function sorted(state: State, compare: (a: Rec, b: Rec) => number): State {
  const { ids, entities } = state
  for (let index = 1; index < ids.length; index++) {
    if (compare(entities[ids[index - 1]!]!, entities[ids[index]!]!) <= 0) continue
    const order = [...ids].sort((a, b) => compare(entities[a]!, entities[b]!))
    if (isDraft(state)) {
      state.ids = order
      return state
    }
    return Object.freeze({ ...state, ids: Object.freeze(order) as EntityId[] })
  }
  return state
}
