import { createNextState, type Dispatch, type UnknownAction } from '@reduxjs/toolkit'
import { defaultSerializeQueryArgs, type EndpointDefinitions } from '@reduxjs/toolkit/query'
import type { AnyApi } from './apiShape'
import type { OfflineEndpointOptions, QueuedMutation } from './types'

/** One optimistic change of one cache entry, made by one queued mutation. */
interface EntryPatch {
  key: string
  recipe: (draft: unknown) => void
}

/** A query cache entry some queued mutation changes: the data it had without them (its base). */
interface Entry {
  endpoint: string
  arg: unknown
  /** Whether `base` is known: the entry had data when a mutation first touched it, or has been fetched since. */
  hasBase: boolean
  base: unknown
  /** When `base` was taken, on the page's event count (see `sentAt`). */
  baseAt: number
}

/**
 * Keeps the query cache equal to "the data the server gave, with the queued mutations' recipes applied in
 * order" (the engine's own invariant, for RTK Query's cache): the recipes are applied when a mutation is
 * queued or restored, again on top of every refetch of an entry while it waits, and taken out (by replaying
 * the others on the base) when it is refused. A confirmed mutation's recipe is folded into a base taken
 * before the mutation could reach the server, so the view does not move until the refetch its tags cause
 * brings the server's data. A base taken later may hold the change already (a refetch made after the server
 * applied it, the answer still on its way): folding the recipe in would count it twice, for as long as RTK
 * Query's delayed invalidation holds the refetch back (while a later mutation waits offline). Such a base
 * is left as the server gave it and fetched again at once.
 */
export function buildOptimisticCache(
  api: AnyApi,
  endpoints: Record<string, OfflineEndpointOptions<EndpointDefinitions, string> | undefined>,
  onError: (error: unknown) => void,
) {
  const entries = new Map<string, Entry>()
  /** Counts the events that order a base against a send: a base taken, a mutation first sent. */
  let events = 0
  /**
   * When this page first sent each queued mutation, on the same count, if no attempt came before (none
   * stored, so none in an earlier page or another tab). A mutation not here may have reached the server at
   * any time: no base is known to predate it.
   */
  const sentAt = new Map<string, number>()
  /** The patches of each queued mutation applied to the cache, in the order of `queued`. */
  const applied = new Map<string, EntryPatch[]>()
  let queuedOrder: string[] = []

  const keyOf = (endpoint: string, arg: unknown) =>
    `${endpoint}\u0000${defaultSerializeQueryArgs({ endpointName: endpoint, queryArgs: arg, endpointDefinition: undefined as never })}`

  /** The patches a mutation's `optimistic` makes, entries registered. A recipe that throws is reported and left out. */
  function patchesOf(record: QueuedMutation): EntryPatch[] {
    const optimistic = endpoints[record.endpoint]?.optimistic
    const patches: EntryPatch[] = []
    if (!optimistic) return patches
    try {
      optimistic(record.arg as never, (endpoint, arg, recipe) => {
        const key = keyOf(endpoint, arg)
        if (!entries.has(key)) entries.set(key, { endpoint, arg, hasBase: false, base: undefined, baseAt: 0 })
        patches.push({ key, recipe: recipe as (draft: unknown) => void })
      })
    } catch (error) {
      onError(error)
    }
    return patches
  }

  function queryOf(getState: () => unknown, entry: Entry): { data?: unknown; status?: string } | undefined {
    const select = api.endpoints[entry.endpoint]?.select as ((arg: unknown) => (state: unknown) => { data?: unknown; status?: string }) | undefined
    return select?.(entry.arg)(getState())
  }
  const dataOf = (getState: () => unknown, entry: Entry): unknown => queryOf(getState, entry)?.data
  const statusOf = (getState: () => unknown, entry: Entry): unknown => queryOf(getState, entry)?.status

  /** Entries to fetch again once the request under way for them ends. */
  const refetchAfter = new Map<string, Entry>()
  function refetch(entry: Entry, dispatch: Dispatch<UnknownAction>): void {
    const initiate = api.endpoints[entry.endpoint]?.initiate as ((arg: unknown, options: { subscribe: boolean; forceRefetch: boolean }) => UnknownAction) | undefined
    if (initiate) dispatch(initiate(entry.arg, { subscribe: false, forceRefetch: true }))
  }

  function replay(base: unknown, key: string, getStateRecipes: string[]): unknown {
    let data = base
    for (const id of getStateRecipes)
      for (const patch of applied.get(id) ?? [])
        if (patch.key === key)
          data = createNextState(data, (draft: unknown) => {
            try {
              patch.recipe(draft)
            } catch (error) {
              onError(error)
            }
          })
    return data
  }

  /** Writes an entry as its base with the queued recipes replayed; forgets it when none is left. */
  function refresh(key: string, dispatch: Dispatch<UnknownAction>, getState: () => unknown): void {
    const entry = entries.get(key)
    if (!entry) return
    if (!entry.hasBase) {
      const data = dataOf(getState, entry)
      // Not loaded yet: nothing to show; the recipes are applied when its data arrives.
      if (data === undefined) return
      entry.base = data
      entry.hasBase = true
      entry.baseAt = ++events
    }
    const next = replay(entry.base, key, queuedOrder)
    const updateQueryData = api.util.updateQueryData as (endpoint: string, arg: unknown, recipe: () => unknown) => UnknownAction
    if (dataOf(getState, entry) !== next) dispatch(updateQueryData(entry.endpoint, entry.arg, () => next))
    if (!queuedOrder.some((id) => applied.get(id)?.some((patch) => patch.key === key))) entries.delete(key)
  }

  return {
    /** Brings the cache in line with the mutations queued now (oldest first), changing only the entries they differ in. */
    sync(queued: QueuedMutation[], dispatch: Dispatch<UnknownAction>, getState: () => unknown): void {
      const ids = queued.map((record) => record.id)
      const same = ids.length === queuedOrder.length && ids.every((id, index) => id === queuedOrder[index])
      if (same) return
      const touched = new Set<string>()
      const now = new Set(ids)
      for (const id of queuedOrder)
        if (!now.has(id)) {
          for (const patch of applied.get(id) ?? []) touched.add(patch.key)
          applied.delete(id)
          sentAt.delete(id)
        }
      for (const record of queued)
        if (!applied.has(record.id)) {
          const patches = patchesOf(record)
          applied.set(record.id, patches)
          for (const patch of patches) touched.add(patch.key)
        }
      // Reordered (a restore merged older work in): every entry of every mutation is replayed.
      const kept = queuedOrder.filter((id) => now.has(id))
      const keptSet = new Set(kept)
      const keptNow = ids.filter((id) => keptSet.has(id))
      const inOrder = kept.every((id, index) => keptNow[index] === id)
      if (!inOrder) for (const id of ids) for (const patch of applied.get(id) ?? []) touched.add(patch.key)
      queuedOrder = ids
      for (const key of touched) refresh(key, dispatch, getState)
    },
    /**
     * The engine is sending a queued mutation; `attempts` is how many tries came before (stored with it, so
     * counting other pages and tabs). Only the first send is remembered.
     */
    sending(id: string, attempts: number): void {
      if (!sentAt.has(id)) sentAt.set(id, attempts === 0 ? ++events : Number.NEGATIVE_INFINITY)
    },
    /**
     * A mutation the server accepted: its change becomes part of each base taken before this page first sent
     * it (the server cannot have applied it before). A base taken since may hold it already: it stays as the
     * server gave it and the entry is fetched again at once (RTK Query's delayed invalidation would hold the
     * refetch its tags cause while a later mutation waits). An entry whose read is under way is fetched again
     * once that read ends, whatever its base: the read may have left before the server applied the change.
     */
    confirmed(id: string, dispatch: Dispatch<UnknownAction>, getState: () => unknown): void {
      const sent = sentAt.get(id) ?? Number.NEGATIVE_INFINITY
      sentAt.delete(id)
      const fetchAgain = new Set<string>()
      const patches = applied.get(id) ?? []
      for (const patch of patches) {
        const entry = entries.get(patch.key)
        if (!entry?.hasBase) continue
        if (entry.baseAt < sent) entry.base = createNextState(entry.base, (draft: unknown) => patch.recipe(draft))
        else fetchAgain.add(patch.key)
      }
      for (const key of new Set(patches.map((patch) => patch.key))) {
        const entry = entries.get(key)
        if (!entry) continue
        if (statusOf(getState, entry) === 'pending') refetchAfter.set(key, entry)
        else if (fetchAgain.has(key)) refetch(entry, dispatch)
      }
    },
    /** A query entry's request ended (answered or failed): fetched again if a change confirmed meanwhile asked for it. */
    queryEnded(endpoint: string, arg: unknown, dispatch: Dispatch<UnknownAction>): void {
      const key = keyOf(endpoint, arg)
      const entry = refetchAfter.get(key)
      if (!entry) return
      refetchAfter.delete(key)
      refetch(entry, dispatch)
    },
    /** A query entry fetched again: its new data is the base, and the queued recipes go on top of it. */
    fetched(endpoint: string, arg: unknown, dispatch: Dispatch<UnknownAction>, getState: () => unknown): void {
      const key = keyOf(endpoint, arg)
      const entry = entries.get(key)
      if (!entry) return
      entry.hasBase = false
      refresh(key, dispatch, getState)
    },
  }
}
