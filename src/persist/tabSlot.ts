import { SyncStorageError } from 'rtk-offline'
import { globalTimers, type Timers } from '../core/timers'

/**
 * Claims a seq slot for this tab: a number in [0, slots) no other open tab of the same outbox holds,
 * kept for the tab's life. Seqs are `counter × slots + slot`, so two tabs can never make the same seq,
 * whatever their counters (Durability invariant 2: ordering keys unique by construction, never drawn at
 * random).
 *
 * - With the Web Locks API: slot k is the exclusive lock `<name>:<k>`, requested with `ifAvailable`
 *   from k = 0 up until one is granted, and held until `release()` (or until the tab goes away, when the
 *   browser releases it). The lock manager grants a lock to one holder at a time: unique by construction.
 * - Without it, over a BroadcastChannel: the tab asks which slots are held, then claims the lowest free
 *   one and waits `settleMs`; a holder of that slot, or a rival claimant with a lower id, makes it take
 *   the next. Holders answer every query and claim. Unique as long as messages between open tabs arrive
 *   within `settleMs` (a tab frozen longer by the browser is the one gap; Web Locks have none).
 * - With neither (a single JavaScript context), slot 0.
 */
export function claimTabSlot(options: {
  name: string
  slots: number
  locks: LockManager | null
  BroadcastChannel?: typeof BroadcastChannel | undefined
  timers?: Timers
  /** How long a BroadcastChannel claim waits for objections. @default 200 */
  settleMs?: number
  /** This tab's id: breaks ties between two tabs claiming one slot at once (lowest wins). */
  id: string
}): TabSlotClaim {
  const overChannel = (): TabSlotClaim => {
    const Channel = options.BroadcastChannel ?? globalThis.BroadcastChannel
    if (Channel === undefined) return { slot: Promise.resolve(0), others: () => Promise.resolve(0), release() {} }
    return claimOverChannel(new Channel(`${options.name}:claims`), options.slots, options.id, options.timers ?? globalTimers, options.settleMs ?? 200)
  }
  if (!options.locks) return overChannel()
  const viaLocks = claimWithLocks(options.locks, options.name, options.slots)
  let fallback: TabSlotClaim | null = null
  let released = false
  return {
    // Locks that reject a request (an opaque origin) do not work here: claim over the channel instead.
    slot: viaLocks.slot.catch((error: unknown) => {
      if (error instanceof SyncStorageError || released) throw error
      fallback = overChannel()
      return fallback.slot
    }),
    others: () => (fallback ? fallback.others() : viaLocks.others()),
    release() {
      released = true
      viaLocks.release()
      fallback?.release()
    },
  }
}

/** A tab's seq slot, claimed for the tab's life. */
export interface TabSlotClaim {
  slot: Promise<number>
  /**
   * How many other open tabs of this outbox hold a slot, as far as this tab can tell (Web Locks: the
   * locks held; over the channel: the slots it heard held or claimed). Once the slot is claimed.
   */
  others(): Promise<number>
  release(): void
}

/** Persistence cannot start without a slot: the restore rejects with this (`storage-failed`). */
function noSlotLeft(slots: number): SyncStorageError {
  return new SyncStorageError('storage-failed', `every one of the ${slots} seq slots is held by another open tab of this app; close some tabs and reload.`)
}

function claimWithLocks(locks: LockManager, name: string, slots: number): TabSlotClaim {
  let release = () => {}
  let released = false
  const held = new Promise<void>((resolve) => (release = resolve))
  const tryFrom = async (k: number): Promise<number> => {
    for (; k < slots; k++) {
      const granted = await new Promise<boolean>((answer, fail) => {
        locks
          .request(`${name}:${k}`, { mode: 'exclusive', ifAvailable: true }, (lock) => {
            answer(lock !== null)
            // Held until release(): the promise the callback returns settles then.
            return lock === null ? undefined : held
          })
          .catch(fail)
      })
      if (granted) return k
    }
    throw noSlotLeft(slots)
  }
  const slot = tryFrom(0)
  return {
    slot,
    async others() {
      const mine = `${name}:${await slot}`
      const { held = [] } = (await locks.query?.()) ?? {}
      return held.filter((lock) => lock.name !== mine && lock.name?.startsWith(`${name}:`) && /^\d+$/.test(lock.name.slice(name.length + 1))).length
    },
    release() {
      if (released) return
      released = true
      release()
    },
  }
}

interface SlotMessage {
  type: 'query' | 'held' | 'claim' | 'release'
  id: string
  slot?: number
}

function claimOverChannel(
  channel: BroadcastChannel,
  slots: number,
  id: string,
  timers: Timers,
  settleMs: number,
): TabSlotClaim {
  const taken = new Set<number>()
  let claiming: number | null = null
  let mine: number | null = null
  let closed = false
  let timer: unknown
  let resolveSlot: (slot: number) => void = () => {}
  let rejectSlot: (error: unknown) => void = () => {}
  const slot = new Promise<number>((resolve, reject) => {
    resolveSlot = resolve
    rejectSlot = reject
  })
  const post = (message: SlotMessage) => {
    try {
      channel.postMessage(message)
    } catch {
      // Closed: this tab is going away.
    }
  }
  const claimNext = () => {
    let k = 0
    while (taken.has(k)) k++
    if (k >= slots) {
      rejectSlot(noSlotLeft(slots))
      return
    }
    claiming = k
    post({ type: 'claim', id, slot: k })
    if (timer !== undefined) timers.clearTimeout(timer)
    timer = timers.setTimeout(() => {
      timer = undefined
      if (closed || claiming !== k) return
      // Nobody objected within settleMs: the slot is ours.
      claiming = null
      mine = k
      resolveSlot(k)
    }, settleMs)
  }
  channel.onmessage = (event: MessageEvent<SlotMessage>) => {
    const message = event.data
    if (closed || typeof message?.type !== 'string' || message.id === id) return
    const k = message.slot
    switch (message.type) {
      case 'query':
        if (mine !== null) post({ type: 'held', id, slot: mine })
        else if (claiming !== null) post({ type: 'claim', id, slot: claiming })
        break
      case 'held':
        if (typeof k !== 'number') return
        taken.add(k)
        if (claiming === k) claimNext()
        break
      case 'claim':
        if (typeof k !== 'number') return
        if (mine === k) post({ type: 'held', id, slot: k })
        else if (claiming === k) {
          // Two tabs claim one slot at once: the lower id keeps claiming it, the other moves on.
          if (message.id < id) {
            taken.add(k)
            claimNext()
          } else post({ type: 'claim', id, slot: k })
        }
        break
      case 'release':
        if (typeof k === 'number') taken.delete(k)
        break
    }
  }
  post({ type: 'query', id })
  claimNext()
  return {
    slot,
    others: () => slot.then(() => taken.size),
    release() {
      if (closed) return
      closed = true
      if (timer !== undefined) timers.clearTimeout(timer)
      if (mine !== null) post({ type: 'release', id, slot: mine })
      channel.onmessage = null
      channel.close()
    },
  }
}
