import { isAnyOf, type UnknownAction } from '@reduxjs/toolkit'
import {
  authRestored,
  discardFailed,
  dismissConflicts,
  opsAbandoned,
  drainWaiting,
  opsSent,
  opsSettled,
  opsUnsent,
  pause,
  pulledPage,
  pullFailed,
  pullNow,
  pullStarted,
  pullStartedOver,
  resolveConflict,
  resume,
  retryFailed,
  syncNow,
} from '../slices/actions'
import { isStampedEntityAction } from '../slices/outboxSlice'
import { isRemoteAction } from '../slices/remoteAction'
import { isServerLoad } from '../slices/existingSlice'
import { globalTimers, type Timers } from '../core/timers'

/** The changes every tab of one outbox must see, so each tab's view and counts are right. */
const isShared = isAnyOf(
  // The sender's 401 reaches every tab (opsSettled, pullFailed): so must its fresh credentials.
  authRestored,
  opsAbandoned,
  opsSent,
  opsSettled,
  opsUnsent,
  retryFailed,
  discardFailed,
  dismissConflicts,
  resolveConflict,
  drainWaiting,
  syncNow,
  pause,
  resume,
  pullNow,
  pullStarted,
  pullStartedOver,
  pulledPage,
  pullFailed,
)

export function isSharedAction(action: UnknownAction): boolean {
  return isStampedEntityAction(action) || isShared(action) || isServerLoad(action)
}


/** What tabs say to each other: an action, a new tab's hello, the answer to a hello, or the counter question and its answer. */
type TabMessage =
  | { from: string; action: UnknownAction }
  | { from: string; hello: true }
  | { from: string; to: string; snapshot: unknown }
  | { from: string; askCounter: true }
  | { from: string; to: string; counter: number }

/** Own actions kept while a hello waits for its answer, at most (a tab alone gets no answer). */
const LOG_LIMIT = 10_000

/**
 * Shares one tab's outbox and slice changes with the other tabs on the same storage, as the actions
 * themselves: reducers are pure and every action carries what they need, so applying the same actions
 * gives the same state. Messages that arrive while this tab is still restoring wait for it.
 *
 * A tab that opens next to live tabs cannot trust what it restored: storage lags them (a confirmed
 * operation's record is deleted only once the slice showing the confirmation is stored, and writes of
 * another tab may not have landed). So once restored it says hello, and a restored tab answers with the
 * state it holds (`snapshot`); the new tab takes it in place of its own (`onSnapshot`) and applies on top
 * again its own actions posted after the hello, which the answer cannot hold (messages between two tabs
 * arrive in order: everything the new tab posted before the hello is in the answer).
 */
export function createTabChannel(options: {
  name: string
  tabId: string
  dispatch: (action: UnknownAction) => unknown
  /** This tab's state for a new tab, or null while it cannot answer (not restored). */
  snapshot?: () => unknown
  /** Another tab's state, answering this tab's hello; `ownSince` are this tab's actions posted since. */
  onSnapshot?: (snapshot: unknown, ownSince: UnknownAction[]) => void
  /**
   * The seq counter past every operation this tab holds and every change in `unapplied` (what other tabs
   * posted while this one restores, not applied yet); null: no answer.
   */
  counter?: (unapplied: readonly UnknownAction[]) => number | null
  BroadcastChannel?: typeof BroadcastChannel
  timers?: Timers
}) {
  const Channel = options.BroadcastChannel ?? globalThis.BroadcastChannel
  const channel = new Channel(options.name)
  let held: TabMessage[] | null = []
  /** While a hello waits for its answer: this tab's actions posted since. */
  let log: UnknownAction[] | null = null
  /** While this tab asks the others for their counters: what each answer is given to. */
  let onCounter: ((counter: number) => void) | null = null
  const send = (message: TabMessage) => {
    try {
      channel.postMessage(message)
    } catch {
      // A closed channel (tab shutting down): the change is in storage and other tabs read it on restore.
    }
  }
  const apply = (action: UnknownAction) => {
    const meta = (action as { meta?: Record<string, unknown> }).meta
    options.dispatch({ ...action, meta: { ...meta, remoteTab: options.tabId } })
  }
  const receive = (message: TabMessage) => {
    if ('action' in message) apply(message.action)
    else if ('askCounter' in message) {
      // Answered at once, restoring or not: two tabs that restore together each wait for the other's answer.
      const counter = options.counter?.(unappliedActions()) ?? null
      if (counter !== null) send({ from: options.tabId, to: message.from, counter })
    } else if ('counter' in message) {
      if (message.to === options.tabId) onCounter?.(message.counter)
    } else if ('hello' in message) {
      const snapshot = options.snapshot?.() ?? null
      if (snapshot !== null) send({ from: options.tabId, to: message.from, snapshot })
    } else if (message.to === options.tabId && log !== null) {
      const own = log
      log = null
      options.onSnapshot?.(message.snapshot, own)
    }
  }
  const unappliedActions = () => (held ?? []).flatMap((waiting) => ('action' in waiting ? [waiting.action] : []))
  /** Stopped, its slot not released yet: it answers the counter question only. */
  let retired = false
  channel.onmessage = (event: MessageEvent<TabMessage>) => {
    const message = event.data
    if (typeof message !== 'object' || message === null || message.from === options.tabId) return
    if (retired && !('askCounter' in message)) return
    const known =
      ('action' in message && typeof message.action?.type === 'string') ||
      ('hello' in message && message.hello === true) ||
      ('snapshot' in message && typeof message.to === 'string') ||
      ('askCounter' in message && message.askCounter === true) ||
      ('counter' in message && typeof message.to === 'string' && Number.isSafeInteger(message.counter))
    if (!known) return
    // The counter question and its answer are not held while this tab restores: the restore waits for them.
    if ('counter' in message || 'askCounter' in message) receive(message)
    else if (held) held.push(message)
    else receive(message)
  }
  return {
    post(action: UnknownAction): void {
      if (!isSharedAction(action) || isRemoteAction(action)) return
      if (log !== null) {
        if (log.length < LOG_LIMIT) log.push(action)
        else log = null
      }
      send({ from: options.tabId, action })
    },
    /** The restore is done: apply what arrived meanwhile, then everything at once. */
    open(): void {
      const waiting = held ?? []
      held = null
      for (const message of waiting) receive(message)
    },
    /**
     * Asks the other tabs for their seq counters (see `counter`) and resolves with the highest answer (0
     * with none), once `expected` tabs answered or `waitMs` passed (a tab frozen by the browser may not
     * answer at all).
     */
    askCounters(expected: number, waitMs: number): Promise<number> {
      if (expected <= 0) return Promise.resolve(0)
      const timers = options.timers ?? globalTimers
      return new Promise((resolve) => {
        let highest = 0
        let answers = 0
        const done = () => {
          timers.clearTimeout(timer)
          onCounter = null
          resolve(highest)
        }
        const timer = timers.setTimeout(done, waitMs)
        onCounter = (counter) => {
          highest = Math.max(highest, counter)
          if (++answers >= expected) done()
        }
        send({ from: options.tabId, askCounter: true })
      })
    },
    /** Asks the live tabs for the state they hold; the first answer goes to `onSnapshot`. */
    hello(): void {
      log = []
      send({ from: options.tabId, hello: true })
    },
    /** The other tabs' actions that arrived while this tab restores, not applied yet. */
    unapplied: unappliedActions,
    /**
     * The tab stopped while it still holds its seq slot (its last writes land first): it hears nothing more
     * but the counter question, which a tab restoring waits for from every slot holder.
     */
    retire(): void {
      retired = true
      held = null
      log = null
      onCounter = null
    },
    close(): void {
      channel.onmessage = null
      channel.close()
    },
  }
}
