import { isAnyOf, type UnknownAction } from '@reduxjs/toolkit'
import {
  discardFailed,
  dismissConflicts,
  drainWaiting,
  opsSent,
  opsSettled,
  opsUnsent,
  pause,
  pulledPage,
  pullFailed,
  pullNow,
  pullStarted,
  resolveConflict,
  resume,
  retryFailed,
  syncNow,
} from '../slices/actions'
import { isStampedEntityAction } from '../slices/outboxSlice'

/** The changes every tab of one outbox must see, so each tab's view and counts are right. */
const isShared = isAnyOf(
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
  pulledPage,
  pullFailed,
)

export function isSharedAction(action: UnknownAction): boolean {
  return isStampedEntityAction(action) || isShared(action)
}

/** Marks an action that came from another tab: it is applied, not validated, stored or sent on again. */
export interface RemoteMeta {
  remoteTab: string
}

export function isRemoteAction(action: unknown): boolean {
  return typeof (action as { meta?: Partial<RemoteMeta> }).meta?.remoteTab === 'string'
}

/**
 * Shares one tab's outbox and slice changes with the other tabs on the same storage, as the actions
 * themselves: reducers are pure and every action carries what they need, so applying the same actions
 * gives the same state. Messages that arrive while this tab is still restoring wait for it.
 */
export function createTabChannel(options: {
  name: string
  tabId: string
  dispatch: (action: UnknownAction) => unknown
  BroadcastChannel?: typeof BroadcastChannel
}) {
  const Channel = options.BroadcastChannel ?? globalThis.BroadcastChannel
  const channel = new Channel(options.name)
  let held: UnknownAction[] | null = []
  const apply = (action: UnknownAction) => {
    const meta = (action as { meta?: Record<string, unknown> }).meta
    options.dispatch({ ...action, meta: { ...meta, remoteTab: options.tabId } })
  }
  channel.onmessage = (event: MessageEvent<{ from: string; action: UnknownAction }>) => {
    if (event.data?.from === options.tabId || typeof event.data?.action?.type !== 'string') return
    if (held) held.push(event.data.action)
    else apply(event.data.action)
  }
  return {
    post(action: UnknownAction): void {
      if (!isSharedAction(action) || isRemoteAction(action)) return
      try {
        channel.postMessage({ from: options.tabId, action })
      } catch {
        // A closed channel (tab shutting down): the change is in storage and other tabs read it on restore.
      }
    },
    /** The restore is done: apply what arrived meanwhile, then everything at once. */
    open(): void {
      const waiting = held ?? []
      held = null
      for (const action of waiting) apply(action)
    },
    close(): void {
      channel.onmessage = null
      channel.close()
    },
  }
}
