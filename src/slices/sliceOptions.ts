import type {
  ActionReducerMapBuilder,
  EntityId,
  EntityState,
  PayloadAction,
  SliceCaseReducers,
  ValidateSliceCaseReducers,
} from '@reduxjs/toolkit'

// What createSyncedEntity takes of an app's existing `createSlice` + `createEntityAdapter` (issue 12): a
// sort order, an initial state with local fields, and local reducers. Types only; the behaviour is in
// existingSlice.ts.

/** The local fields of a slice state: everything beside its records (`ids`, `entities`) and `pending`. */
export type LocalFields<TState> = Omit<TState, 'ids' | 'entities' | 'pending'>

/** The record type of an entity state, such as the one `adapter.getInitialState()` returns. */
export type RecordOf<TState> = TState extends EntityState<infer TRecord, EntityId> ? TRecord : never

/**
 * The options an existing slice brings along, beside the synced entity's own. `TSliceState` is the
 * slice's whole state (its synced records and its local fields `TLocal`).
 */
export interface ExistingSliceOptions<TRecord, TLocal, TSliceState, TReducers extends SliceCaseReducers<TSliceState>> {
  /**
   * Keeps the records in this order (as `createEntityAdapter({ sortComparer })` does), through changes,
   * answers, pulls, loads and restores.
   * @default false (records in the order they came)
   */
  sortComparer?: false | ((a: TRecord, b: TRecord) => number)
  /**
   * The slice's initial state, usually `adapter.getInitialState({ …local fields })`. Local fields (a
   * filter, a loading status) are never synced nor stored by rtk-offline. Records in it are taken as the
   * server's (confirmed, never sent), like a preloaded state, until a pull or `loadedFromServer` replaces
   * them; changes to them are sent as updates or deletes.
   * @default no records and no local fields
   */
  initialState?: EntityState<TRecord, EntityId> & TLocal
  /**
   * Case reducers of local fields, as `createSlice`'s `reducers`: each becomes an action creator on
   * `entity.actions` (type `<name>/<key>`, payload typed as its reducer says). They are never synced and
   * may not change records: change records with `added`, `updated`, `upserted`, `removed` (sent to the
   * server) or `loadedFromServer` (the server's data). Reducer names of the entity's own actions are taken.
   */
  reducers?: ValidateSliceCaseReducers<TSliceState, TReducers>
  /**
   * Reducers of other actions (`createSlice`'s builder callback), for local fields only, as `reducers`.
   * @example
   * ```ts
   * extraReducers: (builder) => builder.addCase(fetchTodos.pending, (state) => { state.status = 'loading' })
   * ```
   */
  extraReducers?: (builder: ActionReducerMapBuilder<TSliceState>) => void
}

/** The action of a synced entity that takes the place of the adapter's `setAll` after a fetch. */
export interface ServerLoadActions<TRecord> {
  /**
   * The server's records, loaded by the app (what `setAll` did after a fetch): they become the confirmed
   * state, replacing it. Nothing is queued. Records it does not hold are gone from the server, except
   * those created here and not sent yet. Pending changes stay applied on top, and are still sent.
   */
  loadedFromServer(records: readonly TRecord[]): PayloadAction<readonly TRecord[], string, { offlineLoad: string }>
}
