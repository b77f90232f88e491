import { tabSynced } from '../slices/actions'
import { trieValues, type Trie } from '../core/trie'

/** What {@link syncDevTools} gives `configureStore`'s `devTools` option (Redux DevTools' sanitizers). */
export interface SyncDevToolsOptions {
  /** Shows the sync slice's operations as lists and each synced entity's pending records by id. */
  stateSanitizer: <S>(state: S, index: number) => S
  /** Shows a tab's state snapshot with its entity slices' pending records by id. */
  actionSanitizer: <A>(action: A, id: number) => A
}

type Slice = Record<string, unknown>

const isObject = (value: unknown): value is Slice => typeof value === 'object' && value !== null && !Array.isArray(value)

/** A trie (three levels of objects) as the list of its values, in key order; anything else as it is. */
const listed = (value: unknown): unknown => (isObject(value) ? trieValues(value as Trie<unknown>) : value)

/**
 * An entity slice with its pending records (a trie by hashed id) by id, as `entities` holds records, in the
 * view's order (records deleted here and not yet sent last): each with its confirmed state and changes.
 */
function entityShown(slice: unknown): unknown {
  if (!isObject(slice) || !isObject(slice.pending)) return slice
  const order = new Map((Array.isArray(slice.ids) ? slice.ids : []).map((id, index) => [String(id), index]))
  const records = trieValues(slice.pending as Trie<{ id: unknown }>)
  const place = (record: { id: unknown }) => order.get(String(record.id)) ?? order.size
  records.sort((a, b) => place(a) - place(b))
  return { ...slice, pending: Object.fromEntries(records.map((record) => [String(record.id), record])) }
}

/**
 * Sanitizers for Redux DevTools, so the sync state reads plainly: the outbox's waiting and failed
 * operations (kept in the store as tries, so a change under immer copies a few small nodes whatever the
 * outbox's size) as arrays of operations in send order, and each synced entity's `pending` records by id
 * in the view's order, as `entities` shows records.
 * Only what DevTools shows changes; the store keeps its shape. An app that does not import this does not
 * ship it.
 *
 * @example
 * const store = configureStore({
 *   reducer: { todos: todos.reducer, [sync.reducerPath]: sync.reducer },
 *   middleware: (getDefault) => getDefault().concat(sync.middleware),
 *   devTools: syncDevTools(sync, [todos]),
 * })
 */
export function syncDevTools(sync: { readonly reducerPath: string }, entities: ReadonlyArray<{ readonly name: string }>): SyncDevToolsOptions {
  const names = entities.map((entity) => entity.name)
  return {
    stateSanitizer<S>(state: S): S {
      if (!isObject(state)) return state
      const shown: Slice = { ...state }
      const outbox = state[sync.reducerPath]
      if (isObject(outbox)) shown[sync.reducerPath] = { ...outbox, ops: listed(outbox.ops), failed: listed(outbox.failed) }
      for (const name of names) if (name in state) shown[name] = entityShown(state[name])
      return shown as S
    },
    actionSanitizer<A>(action: A): A {
      if (!tabSynced.match(action)) return action
      const entitiesShown = Object.fromEntries(Object.entries(action.payload.entities).map(([name, slice]) => [name, entityShown(slice)]))
      return { ...action, payload: { ...action.payload, entities: entitiesShown } } as A
    },
  }
}
