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


/** What tabs say to each other: an action, a new tab's hello, or the answer to a hello. */
type TabMessage =
  | { from: string; action: UnknownAction }
  | { from: string; hello: true }
  | { from: string; to: string; snapshot: unknown }

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
  BroadcastChannel?: typeof BroadcastChannel
}) {
  const Channel = options.BroadcastChannel ?? globalThis.BroadcastChannel
  const channel = new Channel(options.name)
  let held: TabMessage[] | null = []
  /** While a hello waits for its answer: this tab's actions posted since. */
  let log: UnknownAction[] | null = null
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
    else if ('hello' in message) {
      const snapshot = options.snapshot?.() ?? null
      if (snapshot !== null) send({ from: options.tabId, to: message.from, snapshot })
    } else if (message.to === options.tabId && log !== null) {
      const own = log
      log = null
      options.onSnapshot?.(message.snapshot, own)
    }
  }
  channel.onmessage = (event: MessageEvent<TabMessage>) => {
    const message = event.data
    if (typeof message !== 'object' || message === null || message.from === options.tabId) return
    const known =
      ('action' in message && typeof message.action?.type === 'string') ||
      ('hello' in message && message.hello === true) ||
      ('snapshot' in message && typeof message.to === 'string')
    if (!known) return
    if (held) held.push(message)
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
    /** Asks the live tabs for the state they hold; the first answer goes to `onSnapshot`. */
    hello(): void {
      log = []
      send({ from: options.tabId, hello: true })
    },
    close(): void {
      channel.onmessage = null
      channel.close()
    },
  }
}
