import {
  isDraft,
  createEntityAdapter,
  createSlice,
  type EntityId,
  type EntitySelectors,
  type EntityState,
  type PayloadAction,
  type Reducer,
  type ActionReducerMapBuilder,
  type CaseReducerActions,
  type SliceCaseReducers,
  type UnknownAction,
} from '@reduxjs/toolkit'
import type { StandardSchemaV1 } from '@standard-schema/spec'
import { SyncSetupError } from '../core/errors'
import type { ConflictStrategy } from '../conflicts/types'
import { checkConflictStrategy } from '../conflicts/checkConflictStrategy'
import {
  opsSettled,
  pulledPage,
  resolveConflict,
  retryFailed,
  userSwitched,
  type OfflineMeta,
  type Settlement,
} from './actions'
import { applyChange, replay, type Change } from '../core/change'
import { deepFreeze } from '../core/deepFreeze'
import { jsonEqual } from '../core/mergePatch'
import { idPath, trieDelete, trieGet, trieSet, type Trie, type TriePath } from '../core/trie'
import { extendSyncedReducer, initialSliceState, type SliceState } from './existingSlice'
import type { ExistingSliceOptions, LocalFields, RecordOf, ServerLoadActions } from './sliceOptions'

/**
 * Options of {@link createSyncedEntity}. `TLocal` and `TReducers` are inferred from `initialState` and
 * `reducers` (see {@link ExistingSliceOptions}).
 */
export interface SyncedEntityOptions<
  TRecord,
  TLocal = NoFields,
  TReducers extends SliceCaseReducers<SyncedSliceState<TRecord, TLocal>> = never,
  TName extends string = string,
>
  extends ExistingSliceOptions<TRecord, TLocal, SyncedSliceState<TRecord, TLocal>, TReducers> {
  /** The slice name: mount the reducer under it. Also the remote collection (`/todos`). */
  name: TName
  /**
   * Reads a record's id. Ids are made on the client (for example `crypto.randomUUID()`), so a new
   * record needs no id remapping when the server confirms it; with `serverIds` the server's id replaces it.
   * @default (record) => record.id
   */
  selectId?: (record: TRecord) => EntityId
  /**
   * The field that holds the server's version (a number, an etag string or an updated-at timestamp),
   * sent as `If-Match` with updates and deletes.
   * @default 'version'
   */
  versionField?: string
  /**
   * A Standard Schema v1 (zod, valibot, arktype, …) every record must pass: created records as they are,
   * updated records as they would be after the change. Must validate synchronously.
   */
  validate?: StandardSchemaV1<unknown, TRecord>
  /**
   * Operations of entities with a higher priority are sent first; within a priority, oldest first.
   * @default 0
   */
  priority?: number
  /**
   * How this entity's conflicts are settled: `'server-wins'`, `'client-wins'`, `'manual'` (parked for a
   * person), or a resolver function: one of your own, or an imported one such as `mergeFields({ fields,
   * fallback })` (three-way, field by field), `lastWriteWins()` or `deepMerge()`.
   * @default the `conflict` option of createOfflineSync, itself 'server-wins' by default
   */
  conflict?: ConflictStrategy<TRecord>
  /**
   * Selective sync: parameters passed to the adapter's pull (filters, fields, …) and the page size;
   * `false` never pulls this entity.
   * @default {} (pull everything, pages of 100)
   */
  pull?: false | { params?: Record<string, string>; limit?: number }
  /**
   * The server gives created records their ids: pass `serverAssignedIds()`. The id a record is added with
   * is temporary; once the server confirms the create, the record, its pending operations and the
   * `references` to it in other entities move to the server's id in one step (docs/server-ids.md).
   * @default ids are made by the app and kept
   */
  serverIds?: ServerIdsOption
  /**
   * Fields of this entity's records that hold the id of a record of another entity with `serverIds`, by
   * field: `{ listId: 'lists' }`. An operation whose field names a record not yet created on the server
   * waits for that create, is sent with the server's id, and fails with it if the server refuses it.
   * @default {}
   */
  references?: Partial<Record<keyof TRecord & string, string>>
}

/**
 * What `serverAssignedIds()` returns, as createSyncedEntity sees it: a marker (the remap it brings is
 * `ServerIdsPlugin`, src/slices/serverIdsPlugin.ts, installed by createOfflineSync).
 */
export interface ServerIdsOption {
  /** Marks an object made by `serverAssignedIds` (a plain `true` is refused with a message that says what to pass). */
  readonly '~rtkOfflineServerIds': true
}

/** A synced entity slice's whole state: its synced records and, when it has some, its local fields. */
export type SyncedSliceState<TRecord, TLocal> = [keyof TLocal] extends [never] ? SyncedEntityState<TRecord> : SyncedEntityState<TRecord> & TLocal

/** No local fields, no local actions. */
export type NoFields = Record<never, never>

/** The action creators of local reducers, as createSlice makes them; none when there are no reducers. */
// `SliceCaseReducers<any>`: the constraint RTK's CaseReducerActions itself puts on the reducers.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type LocalActions<TReducers extends SliceCaseReducers<any>, TName extends string> = string extends keyof TReducers
  ? NoFields
  : CaseReducerActions<TReducers, TName>

/** A change in the optimistic view waiting for the server, kept for replay. */
export interface PendingChange extends Change {
  seq: number
}

/** A record with pending operations: its confirmed server state and its unconfirmed changes, oldest first. */
export interface PendingRecord<TRecord> {
  id: EntityId
  /** The confirmed server state, or null when the server does not have the record (yet). */
  base: TRecord | null
  /**
   * The confirmed state the pending changes were made on. A pull moves `base` (the view shows newer
   * server data under the unsent changes) but not this: the changes are sent with its version as
   * `If-Match` and merged against it, so a change made on stale data is caught as a conflict instead
   * of silently overwriting the newer one. Our own confirmations move both.
   */
  madeOn: TRecord | null
  changes: PendingChange[]
  /**
   * Set when a pull brought the record's tombstone while its first change was possibly on its way (only
   * the first change of a record is ever sent), until that change is settled: its answer describes the
   * record before the delete (or, applied after the page was read, comes with the next pull), so it
   * neither brings the record back nor replaces the record a pull brought created again after the delete
   * (whose version may start again lower). Kept in memory only.
   */
  gone?: true
}

/**
 * A synced entity slice: the optimistic view (an RTK entity-adapter state) and, only for records with
 * pending operations, their confirmed shadow. For every record the view equals its shadow with its
 * pending changes replayed.
 */
export interface SyncedEntityState<TRecord> extends EntityState<TRecord, EntityId> {
  /** Records with pending operations, by id (a trie: read it with the selectors, not directly). */
  pending: Trie<PendingRecord<TRecord>>
}

/** The changes of one record. */
export interface RecordUpdate<TRecord> {
  id: EntityId
  changes: Partial<TRecord>
}

/** The meta of an entity action as the app dispatches it, before the middleware has stamped it. */
export interface EntityActionMeta {
  offlineEntity: string
  offline?: OfflineMeta
}

type EntityAction<TPayload> = PayloadAction<TPayload, string, EntityActionMeta>

/** The action creators of a synced entity. Each record touched becomes one operation. */
export interface SyncedEntityActions<TRecord> extends ServerLoadActions<TRecord> {
  /** Creates a record (its id is made by the app). */
  added(record: TRecord): EntityAction<TRecord>
  addedMany(records: readonly TRecord[]): EntityAction<readonly TRecord[]>
  /** Changes some fields of a record (JSON merge patch: `null` removes a field, objects merge). */
  updated(update: RecordUpdate<TRecord>): EntityAction<RecordUpdate<TRecord>>
  updatedMany(updates: readonly RecordUpdate<TRecord>[]): EntityAction<readonly RecordUpdate<TRecord>[]>
  removed(id: EntityId): EntityAction<EntityId>
  removedMany(ids: readonly EntityId[]): EntityAction<readonly EntityId[]>
  /**
   * Creates the record when the view does not have it, otherwise updates the fields it brings that differ
   * (a shallow merge, as the adapter's `upsertOne`: fields it leaves out stay). Nothing is queued when no
   * field differs.
   */
  upserted(record: TRecord): EntityAction<TRecord>
  upsertedMany(records: readonly TRecord[]): EntityAction<readonly TRecord[]>
}

/**
 * What `createOfflineSync` reads of an entity, free of its record type so entities of different
 * records fit in one list. Not for apps.
 */
export interface EntityInternals {
  readonly selectId: (record: Record<string, unknown>) => EntityId
  readonly versionField: string
  readonly validate: StandardSchemaV1<unknown, unknown> | undefined
  readonly priority: number
  /** The entity's own conflict strategy, if it has one. */
  readonly conflict: ConflictStrategy | undefined
  /** Pull parameters, or false when the entity is not pulled. */
  readonly pull: false | { params: Record<string, string>; limit: number }
  /** The slice state inside the root state; throws a setup error when it is not mounted. */
  selectState(rootState: unknown): SyncedEntityState<Record<string, unknown>>
  /**
   * The slice's reducer of persistence's actions (the restore, tabs): set by createOfflineSync from its
   * `persist` option (rtk-offline/persist), null until then, so an app that never persists bundles none of it.
   */
  persistence: EntityPersistenceReducer | null
  /** `serverAssignedIds()` when the server gives this entity's records their ids. */
  readonly serverIds: ServerIdsOption | undefined
  /** Fields that hold ids of another entity's records, by field (`references`). */
  readonly references: Readonly<Record<string, string>>
  /**
   * The slice's remap of server-assigned ids (see ServerIdsRuntime.entity): set by createOfflineSync when
   * any of its entities has `serverIds`, null otherwise.
   */
  remap: ((entity: EntitySlice, state: SyncedEntityState<Record<string, unknown>>, action: UnknownAction) => SyncedEntityState<Record<string, unknown>>) | null
}

/** What an entity slice's persistence reducer knows of its entity. */
export interface EntitySlice {
  name: string
  selectId: (record: Record<string, unknown>) => EntityId
}

/**
 * An entity slice's reducer of persistence's actions (rtk-offline/persist's, joined by createOfflineSync):
 * the state after one of them, or undefined when `action` is none of them. `state` may be an immer draft
 * (the slice reduced inside another immer reducer).
 */
export type EntityPersistenceReducer = (
  entity: EntitySlice,
  state: SyncedEntityState<Record<string, unknown>>,
  action: UnknownAction,
) => SyncedEntityState<Record<string, unknown>> | undefined

/** Any synced entity, whatever its record type: what `createOfflineSync({ entities })` takes. */
export interface SyncedEntityLike {
  readonly name: string
  readonly '~rtkOffline': EntityInternals
}

/**
 * What {@link createSyncedEntity} returns. `TLocal` are the slice's local fields, `TLocalActions` the
 * action creators of its local reducers.
 */
export interface SyncedEntity<TRecord, TLocal = NoFields, TLocalActions = NoFields> extends SyncedEntityLike {
  readonly reducer: Reducer<SyncedSliceState<TRecord, TLocal>>
  readonly actions: SyncedEntityActions<TRecord> & TLocalActions
  /** Selectors of the optimistic view, from the root state (the slice mounted under its name). */
  // The root state as `object`: a store's state type that holds an interface (redux-persist's `_persist`) has no index signature.
  readonly selectors: EntitySelectors<TRecord, object, EntityId>
}

/** What applying stamps reads and changes of an entity slice: a draft, or a copy-on-write view of a frozen state. */
interface StampTarget<TRecord> {
  entry(path: TriePath): PendingRecord<TRecord> | undefined
  /** Adds a new entry and returns it as it can be changed. */
  addEntry(path: TriePath, entry: PendingRecord<TRecord>): PendingRecord<TRecord>
  /** The entry as it can be changed in place (its changes array too). */
  writableEntry(path: TriePath, entry: PendingRecord<TRecord>): PendingRecord<TRecord>
  dropEntry(path: TriePath): void
  record(id: EntityId): TRecord | undefined
  setRecord(record: TRecord): void
  removeRecord(id: EntityId): void
}

const defaultSelectId = (record: unknown): EntityId => (record as { id: EntityId }).id

/**
 * Creates a synced entity slice: an entity-adapter view whose changes are applied at once and queued
 * as operations by `createOfflineSync`'s middleware.
 *
 * @example
 * ```ts
 * interface Todo { id: string; title: string; done: boolean; version?: number }
 * const todos = createSyncedEntity<Todo>({ name: 'todos' })
 * store.dispatch(todos.actions.added({ id: crypto.randomUUID(), title: 'Buy milk', done: false }))
 * ```
 *
 * From an existing `createSlice` + `createEntityAdapter`: give its `initialState` (the record type, local
 * fields and local actions are then inferred, as createSlice infers them), `sortComparer`, `reducers` and
 * `extraReducers` for local fields (docs/existing-slices.md).
 * @example
 * ```ts
 * const todos = createSyncedEntity({
 *   name: 'todos',
 *   initialState: todosAdapter.getInitialState({ filter: 'all' as Filter }),
 *   sortComparer: (a, b) => a.title.localeCompare(b.title),
 *   reducers: { filterChanged: (state, action: PayloadAction<Filter>) => { state.filter = action.payload } },
 * })
 * ```
 */
export function createSyncedEntity<
  TState extends EntityState<unknown, EntityId>,
  TName extends string,
  // No default: one would stand in for the reducers' own types while their parameters are typed.
  TReducers extends SliceCaseReducers<SyncedSliceState<RecordOf<TState>, LocalFields<TState>>>,
>(
  options: SyncedEntityOptions<RecordOf<TState>, LocalFields<TState>, TReducers, TName> & { initialState: TState },
): SyncedEntity<RecordOf<TState>, LocalFields<TState>, LocalActions<TReducers, TName>>
export function createSyncedEntity<TRecord>(options: SyncedEntityOptions<TRecord>): SyncedEntity<TRecord>
export function createSyncedEntity<TRecord>(options: SyncedEntityOptions<TRecord>): SyncedEntity<TRecord> {
  // Programmer errors, checked in development only (as RTK checks its options): a production build
  // (NODE_ENV=production) drops these checks and their messages.
  if (process.env.NODE_ENV !== 'production') {
    if (typeof options?.name !== 'string' || options.name === '')
      throw new SyncSetupError('`name` is a required option for createSyncedEntity (the slice name, also the remote collection).')
    if (options.priority !== undefined && !Number.isFinite(options.priority))
      throw new SyncSetupError(`\`priority\` of "${options.name}" must be a finite number, got ${String(options.priority)}.`)
    checkConflictStrategy(options.conflict, `createSyncedEntity("${options.name}")`)
  }
  const name = options.name
  // The slice works on plain JSON records inside; the public types carry TRecord. (Immer's Draft of a
  // generic record type does not line up with the type itself, so the generics stop at this boundary.)
  type Rec = Record<string, unknown>
  type State = SyncedEntityState<Rec>
  const selectId = (options.selectId ?? defaultSelectId) as unknown as (record: Rec) => EntityId
  const versionField = options.versionField ?? 'version'
  const sortComparer = (options.sortComparer ?? false) as ((a: Rec, b: Rec) => number) | false
  const adapter = createEntityAdapter<Rec, EntityId>({ selectId, sortComparer })
  const initialState = initialSliceState(name, adapter, options.initialState) as State

  /**
   * Durability invariant 3 (confirmed state never moves backwards): a record older than the confirmed
   * one (a pulled page read before an operation was confirmed, a slow answer or a replayed stored answer
   * arriving after a pull brought newer data) must not undo it. Only numeric versions can be ordered;
   * string versions (etags) cannot, and the incoming record is taken as newer.
   */
  function isOlder(record: Rec, confirmed: Rec | null): boolean {
    const incoming = record[versionField]
    const current = confirmed?.[versionField]
    return typeof incoming === 'number' && typeof current === 'number' && incoming < current
  }

  /**
   * Durability invariant 3 (confirmed state never moves backwards), for deletions: whether a pull has
   * shown the record deleted since its pending changes were made on it (the confirmed state is gone, the
   * state they were made on is not; our own answers move both), or while its create was possibly on its
   * way (`gone`). Such a tombstone is the newest news of the record: an answer carrying the record (an
   * update or create applied, or a conflict's remote) describes it before the delete, or, were it applied
   * after the page was read, the pulls after it bring the record. Versions cannot say so: null has none.
   */
  function deletedSinceMade(entry: PendingRecord<Rec>): boolean {
    return entry.base === null && (entry.madeOn !== null || entry.gone === true)
  }

  /** Sets the view of one record to the replay of its pending changes, dropping the shadow when none remain. */
  function rebuild(state: State, entry: PendingRecord<Rec>): void {
    const record = replay(entry.base, entry.changes)
    if (record === null) adapter.removeOne(state, entry.id)
    else adapter.setOne(state, record)
    if (entry.changes.length === 0) trieDelete(state.pending, idPath(entry.id))
  }

  /** {@link rebuild} on a stamp target. */
  function rebuildOn(target: StampTarget<Rec>, entry: PendingRecord<Rec>, path: TriePath): void {
    const record = replay(entry.base, entry.changes)
    if (record === null) target.removeRecord(entry.id)
    else target.setRecord(record)
    if (entry.changes.length === 0) target.dropEntry(path)
  }

  /** The stamps of an entity action, or a setup error when the middleware did not stamp it. */
  function stampsOf(action: EntityAction<unknown>): OfflineMeta {
    const meta = action.meta?.offline
    // A setup mistake, checked in development only (see the option checks above).
    if (process.env.NODE_ENV !== 'production' && !meta)
      throw new SyncSetupError(
        `"${action.type}" reached the "${name}" reducer without being queued: add sync.middleware to configureStore ` +
          `(middleware: (getDefault) => getDefault().concat(sync.middleware)) and list this entity in createOfflineSync({ entities }).`,
      )
    return meta!
  }

  /**
   * Applies an entity action's stamps: each record's change to the view and to its pending changes.
   * Written once over {@link StampTarget}, so the same steps run on an immer draft (the slice nested in
   * an immer reducer) and, the usual case, copy-on-write on the frozen state (see stampedState).
   */
  function applyStampsTo(target: StampTarget<Rec>, meta: OfflineMeta): void {
    for (const stamp of meta.stamps) {
      const path = idPath(stamp.recordId)
      let entry = target.entry(path)
      if (!entry) {
        // The view equals the confirmed state for a record without pending changes: it becomes the shadow.
        const confirmed = target.record(stamp.recordId) ?? null
        // Durability invariant 3: the change was made on the state the dispatching tab had confirmed. When
        // another tab's action comes after a pull here showed the record deleted, that state is the record,
        // not its absence (deletedSinceMade): an answer meets the deletion with the record the change was
        // made on (client-wins creates it again), never with nothing (chaos seed 8859: the edit vanished).
        const madeOn = stamp.madeOn !== undefined && stamp.madeOn !== null && confirmed === null ? (stamp.madeOn as Rec) : confirmed
        entry = target.addEntry(path, { id: stamp.recordId, base: confirmed, madeOn, changes: [] })
      }
      if (stamp.coalesced) {
        const index = entry.changes.findIndex((change) => change.seq === stamp.seq)
        entry = target.writableEntry(path, entry)
        if (stamp.queued === null) entry.changes.splice(index, 1)
        else entry.changes[index] = { seq: stamp.seq, ...stamp.queued }
      } else if (stamp.queued) {
        // Seen already (the same change can reach a tab twice: its own restore and another tab's message).
        if (entry.changes.some((change) => change.seq === stamp.seq)) continue
        entry = target.writableEntry(path, entry)
        entry.changes.push({ seq: stamp.seq, ...stamp.queued })
      }
      const last = entry.changes[entry.changes.length - 1]
      if (last !== undefined && last.seq !== stamp.seq && entry.changes.some((change) => change.seq > stamp.seq)) {
        // Another tab's change with a later seq came first: keep seq order and replay, so every tab
        // ends with the same view.
        entry = target.writableEntry(path, entry)
        entry.changes.sort((a, b) => a.seq - b.seq)
        rebuildOn(target, entry, path)
        continue
      }
      const next = applyChange(target.record(stamp.recordId) ?? null, stamp.change)
      if (next === null) target.removeRecord(stamp.recordId)
      else target.setRecord(next)
      if (entry.changes.length === 0) target.dropEntry(path)
    }
  }

  /** The draft itself as a stamp target (the slice reduced inside another immer reducer). */
  function draftTarget(state: State): StampTarget<Rec> {
    return {
      entry: (path) => trieGet(state.pending, path),
      addEntry: (path, entry) => {
        trieSet(state.pending, path, entry)
        return trieGet(state.pending, path)!
      },
      writableEntry: (_path, entry) => entry,
      dropEntry: (path) => trieDelete(state.pending, path),
      record: (id) => state.entities[id],
      setRecord: (record) => adapter.setOne(state, record),
      removeRecord: (id) => adapter.removeOne(state, id),
    }
  }

  /**
   * A copy-on-write view of a frozen state: only the nodes on the way to what changes are copied (the
   * entity map once, the two trie nodes and the entry of each record touched); `finish` freezes them as
   * immer would leave them and returns the new state (the same state when nothing changed). Under immer
   * a dispatch paid for proxies, a copy of each node read and a walk of each copied node to finalise it,
   * about three quarters of what the synced entity added to a plain entity-adapter update (measured with
   * bench/profile/dispatchParts.ts).
   */
  function copyOnWrite(state: State): { target: StampTarget<Rec>; finish(): State } {
    let entities = state.entities
    let ids = state.ids
    let pending = state.pending
    /** Nodes this call made (copies it may change in place), frozen before they are returned. */
    const own = new Set<object>()
    /** The pending entries among them: their changes (and confirmed states) are new values to freeze. */
    const entries: PendingRecord<Rec>[] = []
    const copy = <T extends object>(value: T): T => {
      const made = (Array.isArray(value) ? [...value] : { ...value }) as T
      own.add(made)
      return made
    }
    const writableLeaves = ([top, mid]: TriePath) => {
      if (!own.has(pending)) pending = copy(pending)
      let middle = pending[top]
      if (!middle || !own.has(middle)) pending[top] = middle = middle ? copy(middle) : copy({})
      let leaves = middle[mid]
      if (!leaves || !own.has(leaves)) middle[mid] = leaves = leaves ? copy(leaves) : copy({})
      return leaves
    }
    const writableEntities = () => {
      if (!own.has(entities)) entities = copy(entities)
      return entities
    }
    const target: StampTarget<Rec> = {
      entry: (path) => trieGet(pending, path),
      addEntry: (path, entry) => {
        own.add(entry.changes)
        own.add(entry)
        entries.push(entry)
        writableLeaves(path)[path[2]] = entry
        return entry
      },
      writableEntry: (path, entry) => {
        if (own.has(entry)) return entry
        const made = copy(entry)
        made.changes = copy(entry.changes)
        entries.push(made)
        writableLeaves(path)[path[2]] = made
        return made
      },
      dropEntry: (path) => {
        const [top, mid, leaf] = path
        if (trieGet(pending, path) === undefined) return
        const leaves = writableLeaves(path)
        delete leaves[leaf]
        for (const _ in leaves) return
        delete pending[top]![mid]
        for (const _ in pending[top]) return
        delete pending[top]
      },
      record: (id) => entities[id],
      setRecord: (record) => {
        // As the adapter's setOne: a new id goes last in `ids`.
        const id = selectId(record)
        if (!(id in entities)) {
          if (!own.has(ids)) ids = copy(ids)
          ids.push(id)
        }
        writableEntities()[id] = deepFreeze(record)
      },
      removeRecord: (id) => {
        // As the adapter's removeOne.
        if (!(id in entities)) return
        delete writableEntities()[id]
        ids = ids.filter((known) => known in entities)
        own.add(ids)
      },
    }
    return {
      target,
      finish: () => {
        if (own.size === 0) return state
        // Frozen as immer freezes what a reducer leaves: the new values (records above; here the changes and
        // the states they were made on, most frozen already) deeply, and the nodes copied to hold them.
        for (const entry of entries) {
          for (const change of entry.changes) deepFreeze(change)
          deepFreeze(entry.base)
          deepFreeze(entry.madeOn)
        }
        for (const made of own) Object.freeze(made)
        return Object.freeze({ ...state, ids, entities, pending })
      },
    }
  }

  /** The state after an entity action, built copy-on-write beside the frozen state instead of through immer. */
  function stampedState(state: State, action: EntityAction<unknown>): State {
    const meta = stampsOf(action)
    const { target, finish } = copyOnWrite(state)
    applyStampsTo(target, meta)
    return finish()
  }

  /** The state after answers (opsSettled), built the same way. */
  function settledState(state: State, results: readonly Settlement[]): State {
    const { target, finish } = copyOnWrite(state)
    for (const result of results) settleOn(target, result)
    return finish()
  }

  function settleOn(target: StampTarget<Rec>, result: Settlement): void {
    if (result.entity !== name) return
    const path = idPath(result.recordId)
    const found = target.entry(path)
    if (!found) return
    const index = found.changes.findIndex((change) => change.seq === result.seq)
    if (index < 0) return
    // A retry or an auth answer leaves the record as it is.
    if (result.type === 'retry' || result.type === 'auth') return
    const entry = target.writableEntry(path, found)
    const change = entry.changes[index]!
    const deleted = deletedSinceMade(entry)
    // Durability invariant 3: the pulled state after a tombstone is newer than this answer (see `gone`).
    const pulledSinceTombstone = deleted || entry.gone === true
    // The changes after this one are sent after it is settled, so after the pull that set `gone`.
    delete entry.gone
    switch (result.type) {
      case 'confirmed':
        // The server's copy (with its new version) becomes the confirmed state; without one, our change
        // applied to it. Durability invariant 3: an answer older than the confirmed state (a pull brought
        // newer data while it was on its way) confirms the operation but leaves the newer data.
        // Durability invariant 3 for a delete (its answer has no version to compare): applied with the
        // version it was made on, it deleted that state; a pull since that brought the record otherwise
        // brought it created again after the delete (its version may start again lower: pulled pages are
        // ordered by the feed, not by versions), which stays. (Were that record in fact from before the
        // delete, the delete's tombstone is after the page and the next pull brings it.)
        if (change.kind === 'delete') {
          if (entry.base === null || entry.madeOn === null || jsonEqual(entry.base, entry.madeOn)) entry.base = null
        }
        // Applied before the delete a pull brought (deletedSinceMade, gone), the confirmed state stays:
        // deleted, or as the pull brought the record created again.
        else if (!pulledSinceTombstone) {
          if (result.record == null || selectId(result.record) !== result.recordId) entry.base = applyChange<Rec>(entry.base, change)
          else if (!isOlder(result.record, entry.base)) entry.base = result.record
        }
        // Our own confirmation moves what the changes after it were made on (`madeOn`): our change as the
        // server applied it, never the confirmed state. A pull that brought newer data while the change was
        // on its way (the answer older than it, or a tombstone) moved the confirmed state, not what the
        // changes after it were made on: sent with the newer version they would overwrite what they never
        // saw. With our change's version they meet it as a conflict (a 404 if the delete came after it),
        // never as changes made on nothing (see answerMadeOnAbsence in the drain).
        // Nor backwards: a stored answer given again (a create sent before, joined by server-assigned ids to
        // a record already confirmed further by later changes of ours) is older than what those were made on.
        if (change.kind !== 'delete') {
          if (result.record == null || selectId(result.record) !== result.recordId) entry.madeOn = applyChange<Rec>(entry.madeOn, change)
          else if (entry.madeOn === null || !isOlder(result.record, entry.madeOn)) entry.madeOn = result.record
        } else entry.madeOn = entry.base
        entry.changes.splice(index, 1)
        break
      case 'conflict':
        // The server's record is the confirmed state now; the change is kept (parked), replaced by its
        // rebased form, or dropped, as the strategy decided.
        // Durability invariant 3: a remote older than the confirmed state settles the operation but does
        // not replace the newer data, nor brings back a record a pull has shown deleted since.
        // A remote of null (the record was gone when the server applied the change) has no version to
        // compare, so it is read as the delete's confirmation is: it clears the state the change was made
        // on, but a record a pull brought since the change was made (a stored answer given again after the
        // record was created anew) stays; were that record in fact older, its tombstone is after the page and
        // the next pull brings it.
        if (!pulledSinceTombstone) {
          if (result.remote !== null) {
            if (!isOlder(result.remote, entry.base)) entry.base = result.remote
          } else if (entry.base === null || entry.madeOn === null || jsonEqual(entry.base, entry.madeOn)) entry.base = null
        }
        if (result.resolution === 'manual') {
          if (result.parked) entry.changes[index] = { seq: change.seq, ...result.parked }
        } else if (result.next) entry.changes[index] = { seq: change.seq, ...result.next.change }
        else entry.changes.splice(index, 1)
        // `madeOn` is the server record the first pending change was made on, and its version goes as
        // If-Match: after a conflict, the remote, never the confirmed state, which a pull may have moved past
        // it (a 412 from a server that had not seen the newer version yet). The resolution (`next`, or the
        // choice a person makes on a parked conflict) is computed on this remote, and a dropped change's
        // successors are replayed on it: they go with the remote's version, so a server that has moved on
        // refuses them and the strategy sees what they missed. (Parked, it is moved now, not when the person
        // decides: a crash before the slice is stored again must not send the decision with an older version.)
        if (index === 0) entry.madeOn = result.remote
        break
      case 'failed': {
        const dropped = new Set([result.seq, ...result.dependents])
        entry.changes = entry.changes.filter((pending) => !dropped.has(pending.seq))
        break
      }
    }
    rebuildOn(target, entry, path)
  }

  /** The case reducer of the entity actions, on a draft (see `reducer` below for the usual path). */
  const applyStamps = (state: State, action: EntityAction<unknown>): void => applyStampsTo(draftTarget(state), stampsOf(action))

  const marker = { offlineEntity: name }
  const prepare = <TPayload>(payload: TPayload) => ({ payload, meta: { ...marker } as EntityActionMeta })

  const slice = createSlice({
    name,
    initialState,
    reducers: {
      added: { reducer: applyStamps, prepare: (record: TRecord) => prepare(record) },
      addedMany: { reducer: applyStamps, prepare: (records: readonly TRecord[]) => prepare(records) },
      updated: { reducer: applyStamps, prepare: (update: RecordUpdate<TRecord>) => prepare(update) },
      updatedMany: { reducer: applyStamps, prepare: (updates: readonly RecordUpdate<TRecord>[]) => prepare(updates) },
      removed: { reducer: applyStamps, prepare: (id: EntityId) => prepare(id) },
      removedMany: { reducer: applyStamps, prepare: (ids: readonly EntityId[]) => prepare(ids) },
      upserted: { reducer: applyStamps, prepare: (record: TRecord) => prepare(record) },
      upsertedMany: { reducer: applyStamps, prepare: (records: readonly TRecord[]) => prepare(records) },
    },
    extraReducers: (builder) => {
      builder.addCase(opsSettled, (state, action) => {
        const target = draftTarget(state)
        for (const result of action.payload.results) settleOn(target, result)
      })
      builder.addCase(userSwitched, () => initialState)
      builder.addCase(pulledPage, (state, { payload }) => {
        if (payload.entity !== name) return
        const renewed = payload.renewed && new Set(payload.renewed.map(String))
        for (const { id, record } of payload.changes) {
          const entry = trieGet(state.pending, idPath(id))
          const confirmed = entry ? entry.base : (state.entities[id] ?? null)
          if (record !== null && isOlder(record, confirmed) && !renewed?.has(String(id))) continue
          if (entry) {
            // Rebase: the pulled record is the confirmed state; unsent changes replay on top of it.
            entry.base = record
            // Durability invariant 3: the answer to the change on its way is older than this tombstone (`gone`).
            if (record === null) entry.gone = true
            rebuild(state, entry)
          } else if (record === null) adapter.removeOne(state, id)
          else adapter.setOne(state, record)
        }
      })
      builder.addCase(resolveConflict, (state, { payload }) => {
        const resolved = payload.resolved
        if (!resolved || resolved.entity !== name) return
        const entry = trieGet(state.pending, idPath(resolved.recordId))
        const index = entry ? entry.changes.findIndex((change) => change.seq === resolved.seq) : -1
        if (!entry || index < 0) return
        // The change goes again after every pull so far: its answer is newer than any tombstone they brought.
        delete entry.gone
        if (resolved.next) {
          entry.changes[index] = { seq: resolved.seq, ...resolved.next.change }
          // The change is made onto the server's record the conflict reported (its version goes as
          // If-Match), even when the stored confirmed state is older (a crash before the slice was written).
          if (resolved.remote !== undefined && index === 0) entry.madeOn = resolved.remote
        } else entry.changes.splice(index, 1)
        rebuild(state, entry)
      })
      builder.addCase(retryFailed, (state, action) => {
        for (const revived of action.payload.revived) {
          if (revived.entity !== name) continue
          const path = idPath(revived.recordId)
          if (!trieGet(state.pending, path))
            trieSet<PendingRecord<Rec>>(state.pending, path, {
              id: revived.recordId,
              base: state.entities[revived.recordId] ?? null,
              madeOn: state.entities[revived.recordId] ?? null,
              changes: [],
            })
          const entry = trieGet(state.pending, path)!
          entry.changes.push({ seq: revived.seq, ...revived.change })
          rebuild(state, entry)
        }
      })
    },
  })

  // The entity actions and answers skip immer (copyOnWrite), unless the state is a draft already (the
  // slice reduced inside another immer reducer); everything else goes through the slice as usual.
  const entityActionTypes = new Set<string>(Object.values(slice.actions).map((creator) => creator.type))
  const reducer = (state: State | undefined, action: UnknownAction): State => {
    if (state === undefined) return slice.reducer(state, action)
    // Persistence's actions (the restore, tabs), reduced by rtk-offline/persist when createOfflineSync has it.
    const persisted = internals.persistence?.(sliceParts, state, action)
    if (persisted !== undefined) return persisted
    // Server-assigned ids (an entity with `serverIds`): records moved to their server ids before the answers are settled.
    if (internals.remap) state = internals.remap(sliceParts, state, action)
    if (isDraft(state)) return slice.reducer(state, action)
    if (entityActionTypes.has(action.type)) return stampedState(state, action as EntityAction<unknown>)
    if (opsSettled.match(action)) return settledState(state, action.payload.results)
    return slice.reducer(state, action)
  }

  const selectState = (rootState: unknown): State => {
    const state = (rootState as Record<string, State | undefined>)?.[name]
    if (!state || typeof state !== 'object' || !('pending' in state))
      throw new SyncSetupError(`the "${name}" slice is not mounted: add \`${name}: ${name}.reducer\` to the store's reducer.`)
    return state
  }

  const sliceParts: EntitySlice = { name, selectId }
  const internals: EntityInternals = {
    selectId,
    versionField,
    validate: options.validate as StandardSchemaV1<unknown, unknown> | undefined,
    priority: options.priority ?? 0,
    conflict: options.conflict as ConflictStrategy | undefined,
    pull: options.pull === false ? false : { params: options.pull?.params ?? {}, limit: options.pull?.limit ?? 100 },
    selectState,
    persistence: null,
    serverIds: options.serverIds,
    references: (options.references ?? {}) as Record<string, string>,
    remap: null,
  }

  // The existing slice's parts (local fields and reducers, sort order, loads): existingSlice.ts.
  const extended = extendSyncedReducer(reducer as Reducer<SliceState>, {
    name,
    selectId,
    initialState,
    sortComparer,
    reducers: options.reducers as SliceCaseReducers<SliceState> | undefined,
    extraReducers: options.extraReducers as ((builder: ActionReducerMapBuilder<SliceState>) => void) | undefined,
  })
  return {
    name,
    reducer: extended.reducer as unknown as Reducer<SyncedEntityState<TRecord>>,
    actions: { ...slice.actions, ...extended.actions } as unknown as SyncedEntityActions<TRecord>,
    selectors: adapter.getSelectors(selectState as (root: object) => State) as unknown as EntitySelectors<TRecord, object, EntityId>,
    '~rtkOffline': internals,
  }
}
