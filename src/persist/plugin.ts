import type { PersistenceStart, StorePersistence, SyncPersistencePlugin } from '../persistencePlugin'
import type { PersistOptions } from './persistOptions'
import { defaultLocks } from './senderElection'
import { startPersistence } from './startPersistence'
import { reducePersistedEntity } from './entityReducer'
import { persistenceOutboxCases } from './outboxCases'
import { claimTabSlot } from './tabSlot'

export type { PersistOptions }


/** Seq slots with tabs: at most this many tabs of one app open at once. */
const SEQ_SLOTS = 1024

/** A tab id for the tab channel (which ignores its own messages) and for ties between slot claims. */
function newTabId(): string {
  const random = globalThis.crypto?.randomUUID?.()
  return random ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`
}

/**
 * Keeps the outbox and the synced slices in storage across reloads and crashes, shares them between the
 * tabs of an app and switches between users: pass the result as the `persist` option of
 * `createOfflineSync`, then start it with `sync.persist(store)` (nothing is sent until the restore is
 * done). Without `storage` it uses localforage, an optional peer dependency (`npm i localforage`), loaded
 * at the first restore. One `createPersistence` per `createOfflineSync`.
 *
 * @example
 * ```ts
 * import { createPersistence } from 'rtk-offline/persist'
 *
 * const sync = createOfflineSync({ entities: [todos], adapter, persist: createPersistence({ key: 'my-app' }) })
 * const store = configureStore({ ... })
 * await sync.persist(store).ready
 * ```
 */
export function createPersistence(options: PersistOptions = {}): SyncPersistencePlugin {
  // With tabs sharing one outbox, seqs interleave: counter × SEQ_SLOTS + the tab's slot. Each tab claims
  // a slot no other open tab holds (tabSlot.ts), so two tabs never make the same seq (Durability
  // invariant 2). Until the claim is done (before the restore) a store numbers with slot 0; the restore
  // renumbers that work under the claimed slot before anything is stored or shared.
  const sharesOutbox = (options.tabs ?? hasTabs()) && typeof BroadcastChannel !== 'undefined'
  const seqSlots = sharesOutbox ? SEQ_SLOTS : 1
  const tabId = sharesOutbox ? newTabId() : null
  return {
    '~rtkOfflinePersistence': true,
    sharesOutbox,
    seqSlots,
    reducers: { outboxCases: persistenceOutboxCases, entity: reducePersistedEntity },
    start(context: PersistenceStart): StorePersistence {
      return startPersistence({
        options,
        reducerPath: context.reducerPath,
        entities: context.entities,
        store: context.store,
        now: context.now,
        timers: context.timers,
        seqFor: context.seqFor,
        counterAfter: context.counterAfter,
        claimSlot:
          tabId === null
            ? null
            : (name) => {
                const claim = claimTabSlot({
                  name: `${name}:seq-slot`,
                  slots: seqSlots,
                  locks: options.locks === undefined ? defaultLocks() : options.locks,
                  timers: context.timers,
                  id: tabId,
                })
                return {
                  slot: claim.slot.then((slot) => {
                    context.setSlot(slot)
                    return slot
                  }),
                  others: claim.others,
                  release: claim.release,
                }
              },
        onError: context.onError,
        tabId,
        abortInFlight: context.abortInFlight,
      })
    },
  }
}

/**
 * Whether this context can have sibling tabs sharing its storage: a page (`window`) or a worker with the
 * Web Locks API. Node has a BroadcastChannel (between its worker threads) but neither, and a process there
 * is alone with its storage: with tabs on, its first send would wait for the BroadcastChannel election's
 * timeout (about four seconds) to elect itself.
 */
function hasTabs(): boolean {
  if (typeof window !== 'undefined') return true
  return typeof navigator !== 'undefined' && (navigator as { locks?: unknown }).locks !== undefined
}
