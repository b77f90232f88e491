import { createListenerMiddleware, isAnyOf, type Middleware, type MiddlewareAPI, type UnknownAction } from '@reduxjs/toolkit'
import type { OutgoingOperation, SyncAdapter } from '../adapters/types'
import type { SyncErrorInfo } from '../errors'
import {
  authRestored,
  drainWaiting,
  networkChanged,
  opsSent,
  opsSettled,
  rehydrated,
  resume,
  senderElected,
  retryDue,
  retryFailed,
  syncNow,
} from '../slices/actions'
import type { EntityInternals } from '../slices/createSyncedEntity'
import { isStampedEntityAction, type OutboxState } from '../slices/outboxSlice'
import { idPath, trieEach, trieGet } from '../slices/trie'
import type { Operation } from '../types'
import type { ResolvedRetryOptions } from './backoff'
import { selectOutbox } from './enqueueMiddleware'
import type { NetworkStatus } from './networkStatus'
import { pushBatch } from './pushBatch'
import { settleOutcomes } from './settleOutcomes'
import type { Timers } from './timers'

/** Who raised an error reported to `onError`. */
export type ErrorSource = 'adapter' | 'onAuthError' | 'drain' | 'storage'

export interface DrainConfig {
  reducerPath: string
  entities: ReadonlyMap<string, EntityInternals>
  adapter: SyncAdapter
  network: NetworkStatus
  retry: ResolvedRetryOptions
  batchSize: number
  requestTimeoutMs: number
  random: () => number
  now: () => number
  timers: Timers
  onAuthError: ((error: SyncErrorInfo | null) => boolean | Promise<boolean>) | undefined
  onError: (error: unknown, info: { raisedBy: ErrorSource }) => void
}

/** Actions after which there may be something to send. */
const isKick = isAnyOf(syncNow, resume, retryFailed, authRestored, networkChanged, retryDue, rehydrated, senderElected)

/**
 * The drain: one loop per store that sends batches while there is work and the way is open (online,
 * not paused, no credentials awaited, circuit not open, retry time reached). Kicks that arrive while it
 * runs make it look again when it would stop, so `syncNow` during a drain never sends anything twice.
 */
/** What the drain needs of a store's persistence. */
export interface DrainContext {
  persistence: { opsStored(): Promise<void>; isSender(): boolean } | null
}

export function buildDrainMiddleware(config: DrainConfig): {
  middleware: (api: MiddlewareAPI, context: DrainContext) => ReturnType<Middleware>
  stop(): void
} {
  const distinctPriorities = new Set([...config.entities.values()].map((entity) => entity.priority)).size > 1
  const running = new Set<() => void>()

  const middleware = (api: MiddlewareAPI, context: DrainContext) => {
    const listener = createListenerMiddleware({
      onError: (error) => config.onError(error, { raisedBy: 'drain' }),
    })
    let draining = false
    let again = false
    let stopped = false
    let wakeTimer: unknown
    let wakeAt: number | null = null

    const outbox = (): OutboxState => selectOutbox(api.getState(), config.reducerPath)

    const unsubscribe = config.network.subscribe((online) => {
      api.dispatch(networkChanged(online, config.now()))
    })
    running.add(() => {
      stopped = true
      unsubscribe()
      wakeAtTime(null)
      listener.clearListeners()
    })

    function wakeAtTime(at: number | null): void {
      if (at === wakeAt) return
      if (wakeTimer !== undefined) config.timers.clearTimeout(wakeTimer)
      wakeTimer = undefined
      wakeAt = at
      if (at === null) return
      wakeTimer = config.timers.setTimeout(
        () => {
          wakeTimer = undefined
          wakeAt = null
          api.dispatch(retryDue())
        },
        Math.max(0, at - config.now()),
      )
    }

    /** The oldest sendable operations (the first unsettled one of each record), and the earliest retry time of the rest. */
    function pickBatch(state: OutboxState, now: number, limit: number) {
      const root = api.getState()
      const picked: Operation[] = []
      let earliest: number | null = null
      trieEach(state.ops, (op) => {
        // Another user's operation is never handed to the adapter.
        if (op.status !== 'pending' || op.userId !== state.userId) return
        if (op.nextAttemptAt !== null && op.nextAttemptAt > now) {
          if (earliest === null || op.nextAttemptAt < earliest) earliest = op.nextAttemptAt
          return
        }
        const entity = config.entities.get(op.entity)
        const head = entity && trieGet(entity.selectState(root).pending, idPath(op.recordId))?.changes[0]
        if (head && head.seq !== op.seq) return
        picked.push(op)
        // With one priority everywhere, sequence order is send order and the walk can stop early.
        if (!distinctPriorities && picked.length === limit) return false
      })
      if (distinctPriorities) picked.sort((a, b) => b.priority - a.priority || a.seq - b.seq)
      return { batch: picked.slice(0, limit), earliest }
    }

    function toOutgoing(op: Operation): OutgoingOperation {
      const entity = config.entities.get(op.entity)
      const pending = entity && trieGet(entity.selectState(api.getState()).pending, idPath(op.recordId))
      // The version of the confirmed record as it is now: earlier operations on the record may have moved it on.
      const version = pending?.base?.[entity!.versionField]
      const baseVersion =
        typeof version === 'number' || typeof version === 'string' ? version : pending ? null : op.baseVersion
      return {
        id: op.id,
        entity: op.entity,
        recordId: op.recordId,
        kind: op.kind,
        data: op.data,
        baseVersion,
        attempts: op.attempts,
        enqueuedAt: op.enqueuedAt,
      }
    }

    function dependentsOf(op: Operation): number[] {
      const entity = config.entities.get(op.entity)
      const pending = entity && trieGet(entity.selectState(api.getState()).pending, idPath(op.recordId))
      return pending ? pending.changes.filter((change) => change.seq > op.seq).map((change) => change.seq) : []
    }

    async function drainOnce(): Promise<void> {
      for (;;) {
        // An operation is sent only once it is in storage.
        if (context.persistence) await context.persistence.opsStored()
        if (stopped) return
        const state = outbox()
        if (!state.hydrated || state.paused || state.authRequired || !state.online) return wakeAtTime(null)
        // Another tab sends for this outbox.
        if (context.persistence && !context.persistence.isSender()) return wakeAtTime(null)
        const now = config.now()
        const { circuit } = state
        if (circuit.state === 'open' && circuit.openUntil !== null && circuit.openUntil > now)
          return wakeAtTime(circuit.openUntil)
        const probe = circuit.state !== 'closed'
        const { batch, earliest } = pickBatch(state, now, probe ? 1 : config.batchSize)
        if (batch.length === 0) {
          if (state.nextAttemptAt !== earliest) api.dispatch(drainWaiting({ nextAttemptAt: earliest }))
          return wakeAtTime(earliest)
        }
        const outgoing = batch.map(toOutgoing)
        api.dispatch(opsSent({ seqs: batch.map((op) => op.seq), at: now, probe }))
        const outcomes = await pushBatch(config.adapter, outgoing, {
          timeoutMs: config.requestTimeoutMs,
          timers: config.timers,
          onError: (error) => config.onError(error, { raisedBy: 'adapter' }),
        })
        const { results, verdict } = settleOutcomes(batch, outcomes, {
          now: config.now(),
          retry: config.retry,
          random: config.random,
          dependentsOf,
        })
        api.dispatch(opsSettled({ at: config.now(), verdict, results }))
        const auth = results.find((result) => result.type === 'auth')
        if (auth && !(await refreshCredentials(auth.type === 'auth' ? auth.error : null))) return
      }
    }

    /** Asks the app for fresh credentials; true when sending may go on. */
    async function refreshCredentials(error: SyncErrorInfo | null): Promise<boolean> {
      if (!config.onAuthError) return false
      let restored = false
      try {
        restored = (await config.onAuthError(error)) === true
      } catch (cause) {
        config.onError(cause, { raisedBy: 'onAuthError' })
      }
      if (restored) api.dispatch(authRestored())
      return restored
    }

    listener.startListening({
      predicate: (action: UnknownAction) => isKick(action) || isStampedEntityAction(action),
      effect: async () => {
        if (draining) {
          again = true
          return
        }
        draining = true
        try {
          do {
            again = false
            await drainOnce()
          } while (again)
        } finally {
          draining = false
        }
      },
    })

    return listener.middleware(api)
  }

  return {
    middleware,
    /** Stops every store's drain: no more sends, timers or network listening. Requests in flight finish. */
    stop() {
      for (const stop of running) stop()
      running.clear()
    },
  }
}
