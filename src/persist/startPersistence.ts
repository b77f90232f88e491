import type { EntityId, UnknownAction } from '@reduxjs/toolkit'
import { SyncSetupError, toErrorInfo } from 'rtk-offline'
import { opsAbandoned, opsSent, opsSettled, rehydrated, retryDue, senderElected, storageCorrupted, storageFailed, tabSynced, userSwitched, type OfflineMeta, type TabSnapshot } from '../slices/actions'
import { isStampedEntityAction } from '../slices/outboxSlice'
import type { PendingRecord, SyncedEntityState } from '../slices/createSyncedEntity'
import type { OutboxState } from '../slices/outboxSlice'
import { idPath, trieGet, trieValues, type Trie } from '../core/trie'
import type { Operation } from '../types'
import type { PersistenceStart, StorePersistence } from '../persistencePlugin'
import type { PersistOptions } from './persistOptions'
import { diffTrie } from './diffTrie'
import { restore } from './restore'
import { listKeys, type SyncStorage } from './storage'
import { storageKeys, type StorageKeys } from './storageKeys'
import { recordBucket, type StoredRecord } from './storedShapes'
import { createWriteQueue } from './writeQueue'
import { createSenderElection, type SenderElection } from './senderElection'
import { storedCursorOf } from '../slices/outbox/pullProgress'
import { isRemoteAction } from '../slices/remoteAction'
import { createTabChannel } from './tabChannel'
import type { TabSlotClaim } from './tabSlot'

/**
 * What {@link startPersistence} needs: what the core handed the plugin for this store (less `setSlot`,
 * which the plugin turns into `claimSlot`), the options, and the plugin's tab identity.
 */
export interface PersistenceConfig extends Omit<PersistenceStart, 'setSlot' | 'abortInFlight'> {
  options: PersistOptions
  /**
   * With tabs: claims this tab's seq slot, held for the tab's life (see tabSlot.ts); the restore waits
   * for it, so the work dispatched before it is renumbered under the claimed slot. Null without tabs.
   */
  claimSlot: ((namespace: string) => TabSlotClaim) | null
  /** This tab's id, when the outbox is shared between tabs. */
  tabId: string | null
  abortInFlight?: PersistenceStart['abortInFlight']
}

function openCount(outbox: OutboxState): number {
  let open = 0
  for (const conflict of outbox.conflicts) if (conflict.status === 'open') open += 1
  return open
}

async function defaultStorage(name: string): Promise<SyncStorage> {
  try {
    const { default: localforage } = await import('localforage')
    return localforage.createInstance({ name })
  } catch (cause) {
    throw new SyncSetupError(
      `persistence without a \`storage\` option uses localforage, which could not be loaded (${cause instanceof Error ? cause.message : String(cause)}): \`npm i localforage\`, or pass createPersistence({ storage }).`,
    )
  }
}

type Rec = Record<string, unknown>
type Slice = SyncedEntityState<Rec>

/** How long a restore waits for the other tabs' seq counters (a live tab answers at once; a tab that died cannot). */
const ASK_COUNTERS_MS = 250

/**
 * A record as its bucket key holds it (or is queued to): the very object written, whose references are
 * those of the state it was written from (a restored one: as parsed, the references the restored state
 * holds). No copy of another shape: at 10,000 records one per record was a tenth of a restore's garbage.
 */
type WrittenRecord = StoredRecord

/** Whether the record was written with pending changes (its confirmed state with it). */
const isPending = (record: WrittenRecord): boolean => 'base' in record
/** The state its pending changes were written as made on. */
const madeOnOf = (record: WrittenRecord): Rec | null | undefined => ('madeOn' in record ? record.madeOn : record.base)

/** The record to write for the slice's view of it and its pending entry. */
function toWritten(id: EntityId, o: number, view: Rec | undefined, entry: PendingRecord<Rec> | undefined): WrittenRecord {
  const stored: StoredRecord = { id, o }
  if (view !== undefined) stored.view = view
  if (entry) {
    stored.base = entry.base ?? null
    if (entry.madeOn !== entry.base) stored.madeOn = entry.madeOn ?? null
  }
  return stored
}

/** Whether the bucket, as written, restores the record as the slice holds it. */
function storedAsIs(before: WrittenRecord | undefined, view: Rec | undefined, entry: PendingRecord<Rec> | undefined): boolean {
  if (!before) return view === undefined && !entry
  if (entry)
    return isPending(before) && before.base === entry.base && madeOnOf(before) === entry.madeOn && (before.view === undefined) === (view === undefined)
  return !isPending(before) && before.view === view
}

/** Whether a restore from what is written would give this pending record the confirmed state it has. */
function baseStored(before: WrittenRecord | undefined, entry: PendingRecord<Rec>): boolean {
  // Without a stored shadow, a restore takes the stored view (or nothing) as the confirmed state.
  if (!before) return entry.base === null && entry.madeOn === null
  if (isPending(before)) return before.base === entry.base && madeOnOf(before) === entry.madeOn
  return (before.view ?? null) === entry.base && entry.madeOn === entry.base
}

/**
 * Keeps one store's outbox and synced slices in storage. Hand-written rather than redux-persist's
 * persistReducer because redux-persist rehydrates by replacing slices (work dispatched before the
 * restore would be overwritten), rewrites a whole slice per change (the outbox must cost bytes in
 * proportion to each operation), and cannot move a corrupt value aside before it is overwritten.
 *
 * - Each operation is its own record, written when it is made or changes and removed when it settles.
 *   A confirmed operation's record goes only after the records that show its confirmation are
 *   stored, so after a crash the view never reverts a confirmed change (the worst case is sending it
 *   once more under the same idempotency key, which the server applies once).
 * - The records of an entity slice (each one's view, and for a record with pending changes its confirmed
 *   state) are kept in 1,024 buckets by a hash of their id, one key each: what changed since the last
 *   write is found by comparing with the state last written (immer shares untouched records, so
 *   references tell), and only the buckets of those records are written, at most every `throttleMs`,
 *   and on `flush`, `pagehide` and when the page is hidden. Bytes follow the change (a bucket holds a
 *   thousandth of the records), and a restore reads at most 1,024 keys per entity, not one per record.
 *   The metadata is written with them. The first time a record gets a pending change, its confirmed
 *   state is written at once, before the operation (see afterAction).
 *
 * With tabs sharing the outbox (Durability invariants 1, 2, 3, 4 and 6 across tabs):
 * - Every tab applies every shared action (tabChannel.ts), so all hold the same operations; one tab, the
 *   elected sender, sends. Each action's operation records are written by the tab that made the action,
 *   once: an edit's operation record by the tab it was made in (write-ahead, before any tab can send it,
 *   since the action is posted before the sender can act on it and the sender stores the sent mark
 *   itself); sent marks, settlements and the deletes they lead to by the sender, whose actions they are.
 *   A tab never writes an operation record for another tab's action.
 * - The slices are written by every tab, whoever made the action: a bucket holds records of many actions
 *   and a tab knows of it only what it wrote itself, so each tab keeps the buckets it wrote equal to its
 *   slices (a tab that stored a record must also store its deletion, which may come from another tab's
 *   action). Once every tab has compared after the last change, their last writes of a bucket agree.
 * - Operations never change once made in another tab's sight: no coalescing with tabs, and the operation
 *   that replaces a failed or parked one is made by the sender alone (other tabs forward retryFailed and
 *   resolveConflict), so one change is never queued twice under two keys.
 * - A tab that opens next to live tabs takes their state (hello and snapshot), not storage's, which lags
 *   them; it posts the changes it made before its restore first, and deletes the records of operations it
 *   restored that the live tabs had settled. Seqs come from per-tab slots (tabSlot.ts).
 */
export function startPersistence(config: PersistenceConfig): StorePersistence {
  const baseKey = config.options.key ?? 'rtk-offline'
  const version = config.options.version ?? 1
  const throttleMs = config.options.throttleMs ?? 250
  if (!Number.isInteger(version) || version < 1)
    throw new SyncSetupError(`persist.version must be an integer ≥ 1, got ${String(version)}.`)
  if (!(throttleMs >= 0)) throw new SyncSetupError(`persist.throttleMs must be a number ≥ 0, got ${String(throttleMs)}.`)

  const storagePromise = config.options.storage ? Promise.resolve(config.options.storage) : defaultStorage(baseKey)
  let storage: SyncStorage | null = null
  let queue: ReturnType<typeof createWriteQueue> | null = null
  let keys: StorageKeys = storageKeys(baseKey, null)
  // Nothing is written until the restore succeeded: a failed or unfinished restore leaves storage as it was.
  let writable = false
  let stopped = false
  const dirtyEntities = new Set<string>()
  let metaDirty = false
  /** The pull cursors as storage holds them: a meta written out of turn keeps these (see writeMetaNow). */
  let storedCursors: Record<string, string | null> = {}
  /** Confirmed operations whose records may go once the records showing the confirmation are stored. */
  const awaitingBlob = new Set<string>()
  /**
   * Replaced operations (a change re-sent after a conflict, a failed one queued again) by the id of the
   * operation that replaces them: their records go once the replacement is stored.
   */
  const awaitingReplacement = new Map<string, string[]>()
  let slotClaim: TabSlotClaim | null = null
  /** What each bucket key holds or is queued to hold, by entity, bucket and record id. */
  let written = new Map<string, Map<string, Map<string, WrittenRecord>>>()
  const writtenOf = (name: string, key: string) => written.get(name)?.get(recordBucket(key))?.get(key)
  /** The slices as last compared with `written`: only what differs from them can need a write. */
  const seen = new Map<string, { ids: Slice['ids']; entities: Slice['entities']; pending: Slice['pending'] }>()
  /**
   * Records noted in `written` out of the throttle (a first pending change's confirmed state), by entity,
   * since the last compare: the next compare looks at them even when they are gone from the slice then.
   */
  const notedOutOfTurn = new Map<string, Set<string>>()
  /** The next record's place in its view. */
  let nextOrder = 0
  /** Keys of the single-blob layout of earlier versions, removed once their records are written in buckets. */
  let legacyKeys: string[] = []
  let timer: unknown
  let restoring: Promise<void> = Promise.resolve()
  let election: SenderElection | null = null
  let channel: ReturnType<typeof createTabChannel> | null = null
  let sender = config.tabId === null
  /**
   * With tabs: this tab's changes made before its restore finished, posted to the other tabs once it has
   * (with the seqs the restore gave them), or the sending tab would never hear of them.
   */
  let early: UnknownAction[] = []

  /**
   * Listens to the other tabs of this namespace before storage is read: a change another tab stores
   * after this tab's read is still heard (held until the restore is done, then applied), not missed
   * until the next reload.
   */
  function listenToTabs(namespace: string): void {
    if (config.tabId === null) return
    channel = createTabChannel({
      name: `${namespace}:changes`,
      tabId: config.tabId,
      dispatch: (action) => {
        config.store.dispatch(action)
        // Only the sender sends: another tab's "sent" heard by the sender is a late message of a sender that
        // is gone (the election put what it had in flight back to pending before this came). Left in flight,
        // nobody would ever answer for those operations.
        if (sender && opsSent.match(action)) config.store.dispatch(opsAbandoned({ seqs: action.payload.seqs }))
      },
      snapshot: () => (writable && !stopped ? snapshotOf(config.store.getState()) : null),
      onSnapshot: (snapshot, ownSince) => takeSnapshot(snapshot as Omit<TabSnapshot, 'resetInflight'>, ownSince),
      counter: (unapplied) => counterPast(counterPastAll(outboxOf(config.store.getState())), unapplied),
      timers: config.timers,
    })
  }

  /** `counter`, or past every change of `actions` (other tabs' changes not applied yet) if that is higher. */
  function counterPast(counter: number, actions: readonly UnknownAction[]): number {
    for (const action of actions)
      if (isStampedEntityAction(action)) for (const stamp of action.meta.offline.stamps) counter = Math.max(counter, config.counterAfter(stamp.seq))
    return counter
  }

  /** The seq counter past every operation the outbox holds (its own and the other tabs'). */
  function counterPastAll(outbox: OutboxState): number {
    let counter = outbox.nextSeq
    for (const op of trieValues(outbox.ops)) counter = Math.max(counter, config.counterAfter(op.seq))
    for (const op of trieValues(outbox.failed)) counter = Math.max(counter, config.counterAfter(op.seq))
    return counter
  }

  /** The state a new tab takes from this one (see tabChannel). */
  function snapshotOf(state: unknown): Omit<TabSnapshot, 'resetInflight'> {
    const outbox = outboxOf(state)
    return {
      ops: [...trieValues(outbox.ops), ...trieValues(outbox.failed)],
      conflicts: outbox.conflicts,
      nextSeq: outbox.nextSeq,
      cursors: Object.fromEntries(Object.entries(outbox.pull).map(([entity, pull]) => [entity, storedCursorOf(pull)])),
      entities: Object.fromEntries([...config.entities].map(([name, entity]) => [name, entity.selectState(state)])),
      ...(outbox.assignedIds ? { assignedIds: outbox.assignedIds } : {}),
    }
  }

  /**
   * Takes a live tab's state in place of what this tab restored, then its own actions posted since its
   * hello (which the live tab had not applied when it answered). Durability invariants 1 and 6 with tabs:
   * every tab holds the same operations, so the sending tab sends what any tab shows pending, and no tab
   * holds an operation the others settled long ago (restored from a record storage had not deleted yet):
   * such an operation would stay pending in a tab that does not send, and its stale slice would be
   * written over the sender's. No operation record is written here (each is its maker's and the
   * sender's to write); this tab's slices are compared with storage at its next write, and the records
   * of the settled operations it restored go after that (below).
   */
  function takeSnapshot(snapshot: Omit<TabSnapshot, 'resetInflight'>, ownSince: UnknownAction[]): void {
    if (!writable || stopped || typeof snapshot !== 'object' || snapshot === null || !Array.isArray(snapshot.ops)) return
    const remote = { remoteTab: config.tabId ?? '' }
    const liveIds = (state: unknown) => {
      const outbox = outboxOf(state)
      return new Set([...trieValues(outbox.ops), ...trieValues(outbox.failed)].map((op) => op.id))
    }
    const held = liveIds(config.store.getState())
    // What the snapshot shows in flight was sent by another tab; if this one sends now, that tab is gone.
    config.store.dispatch({ ...tabSynced({ ...snapshot, resetInflight: sender }), meta: remote })
    for (const action of ownSince) {
      const meta = (action as { meta?: Record<string, unknown> }).meta
      config.store.dispatch({ ...action, meta: { ...meta, ...remote, reapplied: true } })
    }
    // Durability invariant 6: operations this tab restored that the live tabs settled are stored still
    // only because the tab that settled them was gone before it deleted their records: they go once this
    // tab's slices, showing them settled, are stored (the blob write below).
    const live = liveIds(config.store.getState())
    for (const id of held) if (!live.has(id)) awaitingBlob.add(id)
    for (const name of config.entities.keys()) dirtyEntities.add(name)
    metaDirty = true
    scheduleBlobs()
  }

  /** Joins the other tabs of this namespace: the election of the one that sends. */
  function joinTabs(namespace: string): void {
    if (config.tabId === null) return
    election = createSenderElection({
      name: `${namespace}:sender`,
      ...(config.options.locks === undefined ? {} : { locks: config.options.locks }),
      timers: config.timers,
    })
    election.subscribe((isSender) => {
      sender = isSender
      // A new sender first takes back what a departed one left in flight, then starts draining.
      config.store.dispatch(isSender ? senderElected() : retryDue())
    })
    sender = election.isSender()
    if (sender) config.store.dispatch(senderElected())
  }

  function leaveTabs(): void {
    channel?.close()
    election?.close()
    channel = null
    election = null
    sender = config.tabId === null
  }

  const outboxOf = (state: unknown) => (state as Record<string, OutboxState>)[config.reducerPath]!
  const write = (key: string, value: string | null) => {
    if (writable && queue) queue.set(key, value)
  }
  const writeOp = (op: Operation) => write(keys.op(op.id), JSON.stringify(op))
  /**
   * Deletes an operation's record, and first those of the operations it replaced that are still
   * stored: the queue writes in order, so a crash in between never leaves a replaced record without
   * the one that names it (a restore drops a record another names in `replaces`).
   */
  const dropRecord = (id: string): void => {
    const replaced = awaitingReplacement.get(id)
    awaitingReplacement.delete(id)
    for (const old of replaced ?? []) dropRecord(old)
    write(keys.op(id), null)
  }

  /**
   * Notes one record as the slice holds it in its bucket, and the bucket in `dirty`, unless the bucket
   * holds it so already.
   */
  function noteRecord(name: string, key: string, slice: Slice, dirty: Set<string>, moved = false): void {
    const view = slice.entities[key]
    const entry = trieGet(slice.pending, idPath(key))
    const bucket = recordBucket(key)
    let byBucket = written.get(name)
    if (!byBucket) written.set(name, (byBucket = new Map()))
    let byId = byBucket.get(bucket)
    const before = byId?.get(key)
    if (!moved && storedAsIs(before, view, entry)) return
    dirty.add(bucket)
    if (view === undefined && !entry) {
      byId!.delete(key)
      return
    }
    if (!byId) byBucket.set(bucket, (byId = new Map()))
    const id = entry ? entry.id : config.entities.get(name)!.selectId(view!)
    const o = before && !moved && (before.view !== undefined || view === undefined) ? before.o : nextOrder++
    byId.set(key, toWritten(id, o, view, entry))
  }

  /**
   * Queues the buckets noted dirty. Bucket writes keep their place in the write queue when folded: a
   * record's confirmed state is never overtaken by an operation queued after it.
   */
  function writeBuckets(name: string, dirty: Set<string>): void {
    const byBucket = written.get(name)
    if (!byBucket || !writable || !queue) return
    for (const bucket of dirty) {
      const records = byBucket.get(bucket)
      if (!records || records.size === 0) {
        byBucket.delete(bucket)
        queue.set(keys.record(name, bucket), null, true)
      } else queue.set(keys.record(name, bucket), JSON.stringify([...records.values()]), true)
    }
  }

  /** Writes the records of one entity that changed since it was last compared: bytes in proportion to the change. */
  function writeEntity(name: string, state: unknown): void {
    const slice = config.entities.get(name)!.selectState(state)
    const compared = seen.get(name)
    const last = compared ?? { ids: [], entities: {}, pending: {} as Trie<PendingRecord<Rec>> }
    const changed = new Set<string>()
    // Durability invariant 3 (confirmed state never moves backwards), across a reload: a record storage
    // holds that has left both the view and the pending changes is deleted from its bucket, or a reload
    // brings it back (a confirmed delete, with the stored cursor already past its tombstone: no pull
    // removes it again). Only what differs from the last compare is looked at, so what storage got
    // besides is looked at too: all it held at the restore (no compare yet), and what was written out
    // of turn since the last compare.
    if (!compared) for (const byId of written.get(name)?.values() ?? []) for (const key of byId.keys()) changed.add(key)
    for (const key of notedOutOfTurn.get(name) ?? []) changed.add(key)
    notedOutOfTurn.delete(name)
    if (last.entities !== slice.entities) {
      for (const key in slice.entities) if (slice.entities[key] !== last.entities[key]) changed.add(key)
      for (const key in last.entities) if (!(key in slice.entities)) changed.add(key)
    }
    diffTrie(last.pending, slice.pending, (a, b) => changed.add(String((b ?? a)!.id)))
    seen.set(name, { ids: slice.ids, entities: slice.entities, pending: slice.pending })
    const dirty = new Set<string>()
    if (last.ids !== slice.ids) {
      // Records new to the view, or put back at its end (removed and added again), take the next places,
      // in the view's order: a restore gives them back in the order the app had them.
      const index = new Map(slice.ids.map((id, i) => [String(id), i]))
      const placed = [...changed].filter((key) => index.has(key)).sort((a, b) => index.get(a)! - index.get(b)!)
      for (const key of placed) {
        const i = index.get(key)!
        const before = writtenOf(name, key)
        const previous = i > 0 ? writtenOf(name, String(slice.ids[i - 1])) : undefined
        const moved = before?.view !== undefined && previous !== undefined && previous.o > before.o
        noteRecord(name, key, slice, dirty, moved)
      }
    }
    for (const key of changed) noteRecord(name, key, slice, dirty)
    writeBuckets(name, dirty)
  }

  /** Writes the records that changed and the metadata, then lets the records of operations they show confirmed go. */
  async function writeBlobs(): Promise<void> {
    timer = undefined
    if (!writable || !queue) return
    const state = config.store.getState()
    for (const name of dirtyEntities) writeEntity(name, state)
    dirtyEntities.clear()
    if (metaDirty) {
      const outbox = outboxOf(state)
      const cursors = Object.fromEntries(Object.entries(outbox.pull).map(([entity, pull]) => [entity, storedCursorOf(pull)]))
      // After the slices in the same pass (the queue keeps order): a crash between them re-pulls a page
      // already applied, never skips one.
      write(keys.meta, JSON.stringify({ v: version, nextSeq: outbox.nextSeq, conflicts: outbox.conflicts, cursors, ids: outbox.assignedIds }))
      storedCursors = cursors
      metaDirty = false
    }
    const confirmed = [...awaitingBlob]
    awaitingBlob.clear()
    const replacements = [...awaitingReplacement]
    const legacy = legacyKeys
    legacyKeys = []
    await queue.idle()
    // Durability invariant 6: a replaced operation's record goes once its replacement is stored (the
    // idle above), a confirmed one's once the records showing the confirmation are; replaced ones first.
    for (const [by, replaced] of replacements)
      if (awaitingReplacement.get(by) === replaced) {
        awaitingReplacement.delete(by)
        for (const id of replaced) dropRecord(id)
      }
    for (const id of confirmed) dropRecord(id)
    // The old single blob goes once every record it held is stored in its bucket.
    for (const key of legacy) write(key, null)
    await queue.idle()
  }

  /**
   * Writes the metadata now, out of the throttle, with the cursors storage already holds (a cursor must
   * never be stored ahead of the slices it pulled into). For conflicts: a parked operation and its open
   * conflict must come back together after a crash.
   */
  function writeMetaNow(outbox: OutboxState): void {
    write(keys.meta, JSON.stringify({ v: version, nextSeq: outbox.nextSeq, conflicts: outbox.conflicts, cursors: storedCursors, ids: outbox.assignedIds }))
  }

  function scheduleBlobs(): void {
    if (timer !== undefined || stopped) return
    timer = config.timers.setTimeout(() => void writeBlobs(), throttleMs)
  }

  async function restoreNamespace(userId: string | null): Promise<void> {
    storage ??= await storagePromise
    queue ??= createWriteQueue(storage, (error, key) => {
      config.onError(error)
      config.store.dispatch(storageFailed({ ...toErrorInfo(error), message: `writing "${key}" failed: ${toErrorInfo(error).message}` }))
    })
    keys = storageKeys(baseKey, userId)
    if (stopped) return
    listenToTabs(keys.namespace)
    const result = await restore(storage, keys, {
      entityNames: [...config.entities.keys()],
      selectIds: Object.fromEntries([...config.entities].map(([name, entity]) => [name, entity.selectId])),
      version,
      migrations: config.options.migrations ?? {},
      now: config.now,
    })
    // A page stopped while its storage was read goes no further: it must not join the other tabs (a
    // stopped tab elected sender would hold the lock, and nothing would be sent again) nor claim a slot.
    if (stopped) return
    for (const problem of result.problems) config.store.dispatch(storageCorrupted(problem))
    // Durability invariant 6: a record that another stored record replaces (`replaces`) is what a crash
    // left between storing the replacement and deleting it: dropped, and deleted below.
    const replaced = new Set<string>()
    for (const op of result.state.ops) if (typeof op.replaces === 'string') replaced.add(op.replaces)
    const live = replaced.size === 0 ? result.state.ops : result.state.ops.filter((op) => !replaced.has(op.id))
    const dropped = replaced.size === 0 ? [] : result.state.ops.filter((op) => replaced.has(op.id)).map((op) => op.id)
    let stored = live.filter((op) => config.entities.has(op.entity))
    // The seq slot is claimed before anything is numbered for good.
    if (config.claimSlot && !slotClaim) slotClaim = config.claimSlot(baseKey)
    if (slotClaim) await slotClaim.slot
    if (stopped) {
      slotClaim?.release()
      return
    }
    // Durability invariant 2 with tabs: the slot may be one a tab that died held, and the live tabs may
    // hold operations it made under it and never stored (shared at once, stored up to throttleMs later):
    // their counters are past every operation they hold, so numbering here starts past them too.
    const liveCounter = channel && slotClaim ? await channel.askCounters(await slotClaim.others(), ASK_COUNTERS_MS) : 0
    if (stopped) {
      slotClaim?.release()
      return
    }
    // Durability invariant 2 (ordering keys unique by construction): the counter goes past every seq
    // storage holds, not only the stored counter (written up to throttleMs later than the operations),
    // so no new operation can take a stored one's seq. Work dispatched before the restore finished gets
    // seqs after all of them, in its own order.
    const before = outboxOf(config.store.getState())
    const mine = [...trieValues(before.ops), ...trieValues(before.failed)].sort((a, b) => a.seq - b.seq)
    // So does every change the other tabs posted while this one restored (held until now, applied below).
    let counter = counterPast(Math.max(result.state.meta.nextSeq, before.nextSeq, liveCounter), channel?.unapplied() ?? [])
    for (const op of result.state.ops) counter = Math.max(counter, config.counterAfter(op.seq))
    // Two stored operations with one seq (written by versions that drew tab slots at random) would
    // overwrite each other in the outbox: the later one gets a new seq after everything stored.
    const moved = new Set<string>()
    // The restore gives them in seq order, where a repeated seq is next to its first: checked so without a
    // Set of every seq (a migration may return them in another order; then with one).
    let inOrder = true
    for (let index = 1; index < stored.length && inOrder; index++) if (stored[index - 1]!.seq > stored[index]!.seq) inOrder = false
    const seqsTaken = inOrder ? null : new Set<number>()
    let repeated = false
    for (let index = 0; index < stored.length && !repeated; index++) {
      const seq = stored[index]!.seq
      if (seqsTaken ? seqsTaken.has(seq) : index > 0 && stored[index - 1]!.seq === seq) repeated = true
      seqsTaken?.add(seq)
    }
    if (repeated) {
      const taken = new Set<number>()
      stored = stored.map((op) => {
        if (!taken.has(op.seq)) {
          taken.add(op.seq)
          return op
        }
        moved.add(op.id)
        return { ...op, seq: config.seqFor(counter++) }
      })
      stored.sort((a, b) => a.seq - b.seq)
    }
    const renumber: Array<[number, number]> = mine.map((op) => [op.seq, config.seqFor(counter++)])
    // An open conflict is one whose operation is parked, and the other way round; a crash between the
    // two writes can part them. A conflict listed open whose operation was re-sent, settled or never
    // parked is settled already. An operation parked with no open conflict to show (nothing would ever
    // settle it: stuck "Pending") goes again, frozen, under its key: the server reports the conflict
    // afresh, or applies it.
    const parked = new Set(stored.filter((op) => op.status === 'conflict').map((op) => op.seq))
    const conflicts = result.state.meta.conflicts.map((conflict) =>
      conflict.status === 'open' && !parked.has(conflict.seq) ? { ...conflict, status: 'resolved' as const } : conflict,
    )
    const open = new Set(conflicts.filter((conflict) => conflict.status === 'open').map((conflict) => conflict.seq))
    if (parked.size > open.size || [...parked].some((seq) => !open.has(seq)))
      stored = stored.map((op) =>
        op.status === 'conflict' && !open.has(op.seq) ? { ...op, status: 'pending', attempts: Math.max(1, op.attempts) } : op,
      )
    storedCursors = result.state.meta.cursors
    config.store.dispatch(
      rehydrated({
        userId,
        nextSeq: counter,
        conflicts,
        cursors: result.state.meta.cursors,
        entities: result.state.entities,
        ops: stored,
        renumber,
        ...(result.state.meta.ids ? { assignedIds: result.state.meta.ids } : {}),
      }),
    )
    written = new Map()
    result.records.forEach((buckets, name) => {
      const byBucket = new Map<string, Map<string, WrittenRecord>>()
      buckets.forEach((records, bucket) => {
        const byId = new Map<string, WrittenRecord>()
        for (let index = 0; index < records.length; index++) byId.set(String(records[index]!.id), records[index]!)
        byBucket.set(bucket, byId)
      })
      written.set(name, byBucket)
    })
    // What was compared last is of the namespace that was left: the next compare is with what this one
    // holds (`written`), or a record deleted here before it would stay stored.
    seen.clear()
    notedOutOfTurn.clear()
    nextOrder = result.nextOrder
    legacyKeys = result.legacyKeys
    writable = true
    joinTabs(keys.namespace)
    channel?.open()
    if (channel) {
      // The changes made before the restore, as stored (renumbered), then a hello: the answer holds them.
      const seqOf = new Map(renumber)
      for (const action of early) {
        const offline = (action as UnknownAction & { meta: { offline: OfflineMeta } }).meta.offline
        const stamps = offline.stamps.map((stamp) => ({ ...stamp, seq: seqOf.get(stamp.seq) ?? stamp.seq }))
        channel.post({ ...action, meta: { ...(action.meta as object), offline: { ...offline, stamps } } })
      }
      channel.hello()
    }
    early = []
    // The records that differ from what storage holds are written: after a migration, after moving bad
    // values aside, when storage holds the old single-blob layout, or with work from before the restore
    // (first: the confirmed state of its records goes before its operations). Otherwise comparing can
    // wait for the first write window; at 10,000 records it is most of what a restore would cost.
    const rewrite = result.migrated || result.problems.length > 0 || mine.length > 0 || legacyKeys.length > 0
    for (const name of config.entities.keys()) {
      if (rewrite) writeEntity(name, config.store.getState())
      dirtyEntities.add(name)
    }
    // Buckets that held malformed records (moved aside) are written again without them.
    for (const [name, bucket] of result.repair) writeBuckets(name, new Set([bucket]))
    // Store what storage does not hold yet (work from before the restore), or everything after a migration.
    // Only that work and the renumbered ones are looked for (no Set of every stored id), unless migrated.
    if (result.migrated || mine.length > 0 || moved.size > 0) {
      const storedIds = new Set(result.migrated ? [] : stored.filter((op) => !moved.has(op.id)).map((op) => op.id))
      const after = outboxOf(config.store.getState())
      for (const op of [...trieValues(after.ops), ...trieValues(after.failed)]) if (!storedIds.has(op.id)) writeOp(op)
    }
    for (const id of dropped) write(keys.op(id), null)
    if (rewrite) {
      metaDirty = true
      await writeBlobs()
    } else scheduleBlobs()
  }

  function start(userId: string | null): Promise<void> {
    restoring = restoreNamespace(userId).catch((error: unknown) => {
      config.store.dispatch(storageFailed(toErrorInfo(error)))
      throw error
    })
    return restoring
  }

  const ready = start(outboxOf(config.store.getState()).userId)
  // `ready` is for the app to await; an unobserved failure is already in the store as storageFailed.
  ready.catch(() => {})

  const onHide = () => void persistence.flush()
  const onVisibility = () => {
    if (typeof document !== 'undefined' && document.visibilityState === 'hidden') onHide()
  }
  if (typeof window !== 'undefined' && typeof window.addEventListener === 'function') {
    window.addEventListener('pagehide', onHide)
    window.addEventListener('visibilitychange', onVisibility)
  }

  /** Signs `userId` in: see Persistor.switchUser. Called one at a time (persistence.switchUser queues them). */
  async function switchNow(userId: string | null): Promise<void> {
    // Durability invariant 4: what the user who leaves has in flight is aborted at once, before the
    // app's credentials can change under it and before the new user's outbox (whose seqs start
    // again) is restored; its late answers are ignored, and the operations go again when that user is back.
    if (outboxOf(config.store.getState()).userId !== userId) config.abortInFlight?.('Another user signed in')
    await persistence.flush()
    if (outboxOf(config.store.getState()).userId === userId && writable) return
    writable = false
    leaveTabs()
    awaitingBlob.clear()
    awaitingReplacement.clear()
    dirtyEntities.clear()
    metaDirty = false
    early = []
    config.store.dispatch(userSwitched({ userId, hydrated: false }))
    // userSwitched let requests go again; when the app has asked for another user since, they wait for that switch.
    if (latestSwitch !== undefined && latestSwitch !== userId) config.abortInFlight?.('Another user signed in')
    await start(userId)
  }

  /** The last switch asked for: the next one waits for it (see switchUser). */
  let switching: Promise<void> = Promise.resolve()
  /** The user of the last switch asked for while switches are under way (the app's signed-in user); undefined when none is. */
  let latestSwitch: string | null | undefined

  const persistence: StorePersistence = {
    ready,
    afterAction(before, after, action) {
      if (!writable && !stopped && config.tabId !== null && isStampedEntityAction(action) && !isRemoteAction(action)) early.push(action)
      if (!writable || stopped) return
      // Another tab's change: that tab stores its operation records; this one stores only what the change
      // did to its slices. Durability invariant 3 (confirmed state never moves backwards), across a reload
      // with tabs: each tab knows of the buckets only what it wrote itself (`written`), and compares its
      // whole slice with that, so it may have stored a record another tab's action changed (a record
      // confirmed by the sender, stored by the other tab for a change of its own). The tab whose action
      // then deletes or changes that record never stored it and has nothing to write; the tab that stored
      // it must write it again, or a reload brings the old record back (a deleted one for good: the stored
      // cursor is past its tombstone). So every tab writes what any action did to its slices: once every
      // tab has compared after the last change, each one's last write of a bucket holds the same records.
      if (isRemoteAction(action)) {
        if (before === after) return
        for (const name of config.entities.keys())
          if ((before as Record<string, unknown>)[name] !== (after as Record<string, unknown>)[name]) dirtyEntities.add(name)
        if (dirtyEntities.size > 0) scheduleBlobs()
        return
      }
      channel?.post(action)
      if (before === after) return
      // A restore or a user switch replaces the state wholesale; what it holds is stored by restoreNamespace.
      if (rehydrated.match(action) || userSwitched.match(action)) return
      // Durability invariant 1 (write-ahead), for the confirmed state: the state a new pending change is
      // made on is stored no later than its operation: queued here, before the operation below, and kept
      // ahead of it in the queue. Otherwise a crash before the throttled write would restore the operation
      // on no confirmed state: the record missing from the view and the change sent without its version.
      for (const [name, entity] of config.entities) {
        if ((before as Record<string, unknown>)[name] === (after as Record<string, unknown>)[name]) continue
        const sliceAfter = entity.selectState(after)
        const pendingBefore = entity.selectState(before).pending
        if (pendingBefore === sliceAfter.pending) continue
        const dirty = new Set<string>()
        diffTrie(pendingBefore, sliceAfter.pending, (old, entry) => {
          if (old || !entry || baseStored(writtenOf(name, String(entry.id)), entry)) return
          noteRecord(name, String(entry.id), sliceAfter, dirty)
          let noted = notedOutOfTurn.get(name)
          if (!noted) notedOutOfTurn.set(name, (noted = new Set()))
          noted.add(String(entry.id))
        })
        if (dirty.size > 0) writeBuckets(name, dirty)
      }
      const outboxBefore = outboxOf(before)
      const outboxAfter = outboxOf(after)
      if (outboxBefore !== outboxAfter) {
        const present = new Map<string, Operation>()
        const gone = new Set<string>()
        const visit = (old: Operation | undefined, next: Operation | undefined) => {
          if (next) present.set(next.id, next)
          // Same seq, new id: re-sent under a new id after a conflict; the old id's record must go too.
          if (old && old.id !== next?.id) gone.add(old.id)
        }
        diffTrie(outboxBefore.ops, outboxAfter.ops, visit)
        diffTrie(outboxBefore.failed, outboxAfter.failed, visit)
        // A conflict opened: the metadata listing it is stored before the record of the operation it parks
        // (a crash between leaves an open conflict whose operation is not parked, which the restore
        // settles); resolved or dismissed: after the records, for the same reason.
        const conflictsChanged = outboxBefore.conflicts !== outboxAfter.conflicts
        const opened = conflictsChanged && openCount(outboxAfter) > openCount(outboxBefore)
        if (opened) writeMetaNow(outboxAfter)
        for (const op of present.values()) writeOp(op)
        const settled = opsSettled.match(action)
        /** Which present operation replaces each gone one. */
        const replacedBy = new Map<string, string>()
        for (const op of present.values())
          if (typeof op.replaces === 'string' && gone.has(op.replaces)) replacedBy.set(op.replaces, op.id)
        for (const id of gone) {
          if (present.has(id)) continue
          const by = replacedBy.get(id)
          // Durability invariant 6: replaced, it goes once the replacement is stored; confirmed, once the
          // slice showing the confirmation is stored; dropped or discarded, now (or a restore brings it back).
          if (by !== undefined) awaitingReplacement.set(by, [...(awaitingReplacement.get(by) ?? []), id])
          else if (settled) awaitingBlob.add(id)
          else dropRecord(id)
        }
        if (conflictsChanged && !opened) writeMetaNow(outboxAfter)
        if (
          outboxBefore.nextSeq !== outboxAfter.nextSeq ||
          outboxBefore.conflicts !== outboxAfter.conflicts ||
          outboxBefore.pull !== outboxAfter.pull ||
          outboxBefore.assignedIds !== outboxAfter.assignedIds
        )
          metaDirty = true
      }
      const rootBefore = before as Record<string, unknown>
      const rootAfter = after as Record<string, unknown>
      for (const name of config.entities.keys()) if (rootBefore[name] !== rootAfter[name]) dirtyEntities.add(name)
      if (dirtyEntities.size > 0 || metaDirty || awaitingBlob.size > 0 || awaitingReplacement.size > 0) scheduleBlobs()
    },
    isSender: () => sender,
    async opsStored(ids) {
      await restoring.catch(() => {})
      await queue?.idle()
      if (ids === undefined) return true
      // Durability invariant 1 (write-ahead): the drain sends only operations whose records, with their
      // sent mark, are stored: a write that failed (or was never made) keeps them from going.
      const written = queue
      return writable && !stopped && written !== null && ids.every((id) => !written.hasFailed(keys.op(id)))
    },
    async flush() {
      await restoring.catch(() => {})
      if (timer !== undefined) config.timers.clearTimeout(timer)
      await writeBlobs()
      await queue?.idle()
    },
    switchUser(userId) {
      if (typeof userId !== 'string' && userId !== null)
        return Promise.reject(new SyncSetupError(`switchUser takes a user id string or null, got ${String(userId)}.`))
      // One switch at a time: each starts once the one before it has restored its user's outbox. Side by
      // side (a user signed in and straight back out, without awaiting), both would see the old user still
      // signed in, both restore at once, and the tabs' election and channel of the one that finished first
      // would be left open while the other user's outbox had no sender (found by e2e/chaos, seeds 32, 35).
      // Durability invariant 4, at once: the app may hand out the new user's credentials from now on.
      if (outboxOf(config.store.getState()).userId !== userId || latestSwitch !== undefined) config.abortInFlight?.('Another user signed in')
      latestSwitch = userId
      const next = switching.then(() => switchNow(userId))
      const settled = next.catch(() => {})
      switching = settled
      void settled.then(() => {
        if (switching === settled) latestSwitch = undefined
      })
      return next
    },
    async purge(userId) {
      if (outboxOf(config.store.getState()).userId === userId)
        throw new SyncSetupError('purge() does not delete the signed-in user\'s outbox; switchUser() to someone else (or null) first.')
      storage ??= await storagePromise
      const target = storageKeys(baseKey, userId)
      const quarantined = `${target.namespace}/quarantine/`
      for (const key of await listKeys(storage))
        if (key.startsWith(`${target.namespace}/`) && !key.startsWith(quarantined)) await storage.removeItem(key)
    },
    stop() {
      stopped = true
      // Until its slot goes, the tab still answers the counter question (see askCounters): a tab restoring
      // waits for every slot holder's answer.
      const retiring = channel
      channel = null
      leaveTabs()
      retiring?.retire()
      // The slot goes once this tab's writes are done: a tab that claims it next restores after them.
      const claim = slotClaim
      void (queue?.idle() ?? Promise.resolve()).then(() => {
        claim?.release()
        retiring?.close()
      })
      if (timer !== undefined) config.timers.clearTimeout(timer)
      if (typeof window !== 'undefined' && typeof window.removeEventListener === 'function') {
        window.removeEventListener('pagehide', onHide)
        window.removeEventListener('visibilitychange', onVisibility)
      }
    },
    stats: () => queue?.stats() ?? { bytes: 0, writes: 0 },
  }
  return persistence
}
