import { createListenerMiddleware, isAnyOf, type Middleware, type MiddlewareAPI, type UnknownAction } from '@reduxjs/toolkit'
import type { OutgoingOperation, SyncAdapter, SyncOutcome } from '../adapters/types'
import type { SyncErrorInfo } from '../core/errors'
import {
  authRestored,
  userSwitched,
  drainWaiting,
  networkChanged,
  opsAbandoned,
  opsSent,
  opsSettled,
  opsUnsent,
  pulledPage,
  pullFailed,
  pullNow,
  pullStarted,
  rehydrated,
  resolveConflict,
  resume,
  senderElected,
  retryDue,
  retryFailed,
  syncNow,
  tabSynced,
} from '../slices/actions'
import type { EntityInternals } from '../slices/createSyncedEntity'
import { isStampedEntityAction, type OutboxState } from '../slices/outboxSlice'
import { idPath, seqPath, trieEach, trieGet } from '../core/trie'
import type { Operation } from '../types'
import { backoffDelay, type ResolvedRetryOptions } from '../core/backoff'
import { SyncAdapterError, SyncNetworkError, SyncStorageError, toErrorInfo } from '../core/errors'
import { withTimeout } from '../core/withTimeout'
import type { PullPage } from '../adapters/types'
import { selectOutbox } from '../slices/selectOutbox'
import type { NetworkStatus } from '../core/networkStatus'
import { pushBatch } from './pushBatch'
import { settleOutcomes } from './settleOutcomes'
import type { Timers } from '../core/timers'
import type { ConflictStrategy } from '../conflicts/types'
import { decideConflict } from '../conflicts/decideConflict'
import { applyChange } from '../core/change'
import type { Settlement } from '../slices/actions'

import type { ErrorSource } from './errorSource'

export type { ErrorSource } from './errorSource'

export interface DrainConfig {
  reducerPath: string
  /** Pull every so often (ms); 0 only on the other triggers. */
  pullIntervalMs: number
  /** The conflict strategy of entities that set none. */
  defaultConflict: ConflictStrategy
  generateId: () => string
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
const isKick = isAnyOf(syncNow, resume, retryFailed, authRestored, networkChanged, retryDue, rehydrated, senderElected, resolveConflict, tabSynced, opsAbandoned)

/**
 * The drain: one loop per store that sends batches while there is work and the way is open (online,
 * not paused, no credentials awaited, circuit not open, retry time reached). Kicks that arrive while it
 * runs make it look again when it would stop, so `syncNow` during a drain never sends anything twice.
 */
/** What the drain needs of a store's persistence. */
export interface DrainContext {
  persistence: { opsStored(ids?: readonly string[]): Promise<boolean>; isSender(): boolean } | null
  /**
   * Set by the drain: aborts this store's requests in flight and drops their answers. Persistence calls
   * it when another user signs in, before anything of the new user is restored.
   */
  abortInFlight?: (why: string) => void
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
    /** Entities the current drain confirmed or conflicted something of: a pull of those follows it. */
    const touched = new Set<string>()
    let stopped = false
    /**
     * Aborts this store's requests in flight when it stops or another user signs in (PushOptions.signal,
     * PullRequest.signal); their answers are then dropped. Replaced by a fresh one after each abort.
     */
    let inFlight = new AbortController()
    const abortInFlight = (why: string) => {
      inFlight.abort(new SyncNetworkError(`${why} while the request was in flight; its answer is ignored and the operation will be sent again.`))
      inFlight = new AbortController()
    }
    /**
     * Between persistence's call (a user switch starts) and the userSwitched action, nothing is sent or
     * pulled: the app may already hand out the new user's credentials, and the outbox is still the old one.
     */
    let switching = false
    context.abortInFlight = (why) => {
      switching = true
      abortInFlight(why)
    }
    let wakeTimer: unknown
    let wakeAt: number | null = null
    /** Batches in a row whose sent mark could not be stored (for the backoff before the next try). */
    let unstored = 0

    const outbox = (): OutboxState => selectOutbox(api.getState(), config.reducerPath)

    let pulling = false
    /** Entities asked for while a pull ran: null nothing, 'all', or names. */
    let pullWanted: Set<string> | 'all' | null = null
    const pullTimers = new Map<string, unknown>()

    const unsubscribe = config.network.subscribe((online) => {
      api.dispatch(networkChanged(online, config.now()))
    })
    running.add(() => {
      stopped = true
      abortInFlight('The sync engine stopped')
      unsubscribe()
      wakeAtTime(null)
      for (const timer of pullTimers.values()) config.timers.clearTimeout(timer)
      pullTimers.clear()
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
      // The version the changes were made on, moved on by earlier confirmed operations of ours but not by
      // pulls: a change made on stale data must meet the server's newer version as a conflict. Where the
      // confirmed state holds no version (it was not stored: data of an earlier version after a crash),
      // the version stamped into the operation when it was made, never none; a create (also one sent
      // again after the server lost the record) has none.
      const version = pending?.madeOn?.[entity!.versionField]
      const baseVersion =
        typeof version === 'number' || typeof version === 'string' ? version : op.kind === 'create' ? null : op.baseVersion
      return {
        id: op.id,
        entity: op.entity,
        recordId: op.recordId,
        kind: op.kind,
        data: op.data,
        baseVersion,
        attempts: op.attempts,
        enqueuedAt: op.enqueuedAt,
        userId: op.userId,
      }
    }

    /**
     * Durability invariant 3 (confirmed state never moves backwards), for the rule that updates and deletes
     * carry the version they were made on: a change made on a record the server does not have (its confirmed
     * state when it was made, and still, is the record's absence: a 404 conflict or our own confirmed
     * delete said so; no version to stamp, none stored) has no If-Match to send. Sent without one, it would
     * delete or overwrite a record someone else created again since, which it was never made on (chaos
     * seed 4939: a delete made while an edit was parked over the server's deletion removed another
     * client's "keep mine" create). It gets here the answer a server gives a change that must find the
     * record absent, from what we know of the server: nothing there, a delete is done and an update meets
     * the deletion as a conflict (as a 404 answers them); a record a pull brought since (created again),
     * a conflict with that record. A record created again that no pull brought yet comes with the next one.
     * (An entity whose records carry no version cannot tell this from a record whose confirmed copy a
     * crash kept from storage; its changes carry no If-Match anyway.)
     */
    function answerMadeOnAbsence(op: Operation): SyncOutcome | undefined {
      if (op.kind === 'create' || op.baseVersion !== null) return undefined
      const entity = config.entities.get(op.entity)
      const pending = entity && trieGet(entity.selectState(api.getState()).pending, idPath(op.recordId))
      if (!pending || pending.madeOn !== null) return undefined
      if (pending.base !== null) return { type: 'conflict', remote: pending.base as Record<string, unknown> }
      return op.kind === 'delete' ? { type: 'ok' } : { type: 'conflict', remote: null }
    }

    /** Reads a record's id as its entity does (for checking that an answer is about the record in question). */
    function recordIdOf(entityName: string, record: Record<string, unknown>) {
      const entity = config.entities.get(entityName)
      return entity ? entity.selectId(record) : undefined
    }

    /**
     * Durability invariant 4 (an answer is applied only to the operation it answers): keeps the results
     * whose operation is still at its seq, under the same id, and of the signed-in user. The reducers
     * check the same; filtering here keeps every slice agreeing on what was settled.
     */
    function stillAnswering(results: Settlement[]): Settlement[] {
      const state = outbox()
      return results.filter((result) => {
        const op = trieGet(state.ops, seqPath(result.seq))
        return op !== undefined && op.id === result.opId && op.userId === state.userId
      })
    }

    function dependentsOf(op: Operation): number[] {
      const entity = config.entities.get(op.entity)
      const pending = entity && trieGet(entity.selectState(api.getState()).pending, idPath(op.recordId))
      return pending ? pending.changes.filter((change) => change.seq > op.seq).map((change) => change.seq) : []
    }

    /** Settles a conflict by the entity's strategy, against the confirmed state the change was made on. */
    function conflictOf(op: Operation, remote: Record<string, unknown> | null): Settlement {
      const entity = config.entities.get(op.entity)!
      const pending = trieGet(entity.selectState(api.getState()).pending, idPath(op.recordId))
      // Against what the change was made on, not a base a pull moved since.
      const base = pending?.madeOn ?? null
      const local = applyChange(base, { kind: op.kind, data: op.data })
      let decision: ReturnType<typeof decideConflict>
      try {
        decision = decideConflict(entity.conflict ?? config.defaultConflict, { base, local, remote, op }, entity)
      } catch (error) {
        // A strategy that throws must not stop the queue or lose the change: park it for a person.
        config.onError(error, { raisedBy: 'conflict' })
        decision = { resolution: 'manual', fields: [] }
      }
      const next =
        decision.resolution === 'client-wins' || decision.resolution === 'merged'
          ? decision.change && { id: config.generateId(), change: decision.change }
          : null
      return {
        seq: op.seq,
        opId: op.id,
        entity: op.entity,
        recordId: op.recordId,
        type: 'conflict',
        remote,
        kind: op.kind,
        resolution: decision.resolution,
        next,
        // Parked on a record gone from the server: keep the local record in view as a create.
        parked: decision.resolution === 'manual' && remote === null && local !== null && op.kind !== 'create' ? { kind: 'create', data: local } : null,
        base,
        local,
        fields: decision.fields,
      }
    }

    const pulledEntities = [...config.entities].filter(([, entity]) => entity.pull !== false)

    /** Whether a pull may run now: the same gate as sending, in the tab that sends. */
    function mayPull(): boolean {
      const state = outbox()
      return (
        !stopped &&
        !switching &&
        state.hydrated &&
        state.online &&
        !state.paused &&
        !state.authRequired &&
        (!context.persistence || context.persistence.isSender())
      )
    }

    /**
     * Durability invariant 5 (nothing trusted): what is wrong with a pulled page, or null when nothing is.
     * Every change must name a record id and hold null or that very record (read with the entity's
     * selectId), so a page can never put a record under another id or a record without one into the view.
     */
    function pageProblem(name: string, value: unknown): string | null {
      const page = value as PullPage | null
      if (typeof page !== 'object' || page === null || !Array.isArray(page.changes) || typeof page.hasMore !== 'boolean')
        return 'it must resolve to { changes, cursor, hasMore }'
      if (page.cursor !== null && typeof page.cursor !== 'string') return `its cursor must be a string or null, got ${typeof page.cursor}`
      const entity = config.entities.get(name)!
      for (const change of page.changes as unknown[]) {
        const { id, record } = (change ?? {}) as { id?: unknown; record?: unknown }
        if (typeof id !== 'string' && typeof id !== 'number') return 'every change needs an id (a string or a number)'
        if (record === null) continue
        if (typeof record !== 'object' || record === undefined || Array.isArray(record))
          return `the change of ${JSON.stringify(id)} must hold its record or null`
        let recordId: unknown
        try {
          recordId = entity.selectId(record as Record<string, unknown>)
        } catch {
          recordId = undefined
        }
        if ((typeof recordId !== 'string' && typeof recordId !== 'number') || String(recordId) !== String(id))
          return `the change of ${JSON.stringify(id)} holds another record (or one without its id)`
      }
      return null
    }

    /**
     * Pulls one entity page by page from its stored cursor. Each page and its cursor are applied in one
     * action, so a failure never skips data: the next attempt starts after the last applied page.
     */
    async function pullEntity(name: string): Promise<void> {
      const adapter = config.adapter
      const entity = config.entities.get(name)
      if (!adapter.pull || !entity || entity.pull === false || !mayPull()) return
      const { params, limit } = entity.pull
      const timer = pullTimers.get(name)
      if (timer !== undefined) config.timers.clearTimeout(timer)
      pullTimers.delete(name)
      api.dispatch(pullStarted({ entity: name, at: config.now() }))
      // Bounded, so a backend that always says hasMore cannot keep the loop forever.
      for (let page = 0; page < 100_000 && mayPull(); page++) {
        const cursor = outbox().pull[name]?.cursor ?? null
        const outer = inFlight.signal
        const userId = outbox().userId
        // A page asked for before the engine stopped or another user signed in is not applied.
        const isCurrent = () => !stopped && !outer.aborted && outbox().userId === userId
        let result: PullPage
        try {
          result = await withTimeout(
            (signal) => adapter.pull!({ entity: name, cursor, limit, params, signal }),
            config.requestTimeoutMs,
            config.timers,
            outer,
          )
          if (!isCurrent()) return
          const problem = pageProblem(name, result)
          if (problem !== null)
            throw new SyncAdapterError(`The adapter's pull of "${name}" returned a malformed page: ${problem}. Nothing of it was applied; it will be asked for again.`)
        } catch (cause) {
          if (!isCurrent()) return
          const info = toErrorInfo(cause)
          // 401/403: credentials are needed, as for a push: pause, ask the app, and go on once it has them.
          if (info.status === 401 || info.status === 403 || info.code === 'auth-required') {
            const now = config.now()
            api.dispatch(pullFailed({ entity: name, error: info, nextAttemptAt: now, at: now, auth: true }))
            if (await refreshCredentials(info)) continue
            // Without fresh credentials it waits: resume() (or authRestored) pulls again.
            return
          }
          // 410 Gone: the server no longer knows the cursor (its history was reset or pruned). Start over
          // from the beginning, once; the first page has no cursor to be gone.
          if (toErrorInfo(cause).status === 410 && cursor !== null) {
            api.dispatch(pulledPage({ entity: name, changes: [], cursor: null, hasMore: true, at: config.now() }))
            continue
          }
          if (cause instanceof SyncAdapterError) config.onError(cause, { raisedBy: 'adapter' })
          const attempts = (outbox().pull[name]?.attempts ?? 0) + 1
          const wait = backoffDelay(attempts, config.retry, config.random)
          const now = config.now()
          api.dispatch(pullFailed({ entity: name, error: toErrorInfo(cause), nextAttemptAt: now + wait, at: now }))
          pullTimers.set(
            name,
            config.timers.setTimeout(() => api.dispatch(pullNow(name)), wait),
          )
          return
        }
        api.dispatch(pulledPage({ entity: name, changes: result.changes, cursor: result.cursor, hasMore: result.hasMore, at: config.now() }))
        if (!result.hasMore) return
      }
    }

    /** Runs pulls one at a time (of all entities, or of those named); asks made meanwhile run once after it. */
    async function pull(which: string | readonly string[] | null): Promise<void> {
      if (!config.adapter.pull || pulledEntities.length === 0) return
      const names = which === null ? null : typeof which === 'string' ? [which] : which
      if (pulling) {
        pullWanted = names === null || pullWanted === 'all' ? 'all' : new Set([...(pullWanted ?? []), ...names])
        return
      }
      pulling = true
      try {
        let wanted: Set<string> | 'all' | null = names === null ? 'all' : new Set(names)
        while (wanted !== null) {
          const names = wanted === 'all' ? pulledEntities.map(([name]) => name) : [...wanted]
          pullWanted = null
          for (const name of names) await pullEntity(name)
          wanted = pullWanted
        }
      } finally {
        pulling = false
        schedulePeriodicPull()
      }
    }

    let periodicTimer: unknown
    function schedulePeriodicPull(): void {
      if (config.pullIntervalMs <= 0 || stopped) return
      if (periodicTimer !== undefined) config.timers.clearTimeout(periodicTimer)
      periodicTimer = config.timers.setTimeout(() => {
        periodicTimer = undefined
        api.dispatch(pullNow())
      }, config.pullIntervalMs)
      pullTimers.set('\u0000periodic', periodicTimer)
    }

    async function drainOnce(): Promise<void> {
      for (;;) {
        // An operation is sent only once it is in storage.
        if (context.persistence) await context.persistence.opsStored()
        if (stopped) return
        if (switching) return wakeAtTime(null)
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
        // Durability invariant 3: changes made on a record the server does not have are answered here,
        // never sent without If-Match (see answerMadeOnAbsence); the rest of the batch goes next round.
        const absent = batch.flatMap((op) => {
          const outcome = answerMadeOnAbsence(op)
          return outcome ? [{ op, outcome }] : []
        })
        if (absent.length > 0) {
          const settled = settleOutcomes(
            absent.map(({ op }) => op),
            absent.map(({ outcome }) => outcome),
            { now, retry: config.retry, random: config.random, dependentsOf, conflictOf },
          )
          const results = stillAnswering(settled.results)
          api.dispatch(opsSettled({ at: now, verdict: 'local', results }))
          for (const result of results) touched.add(result.entity)
          continue
        }
        const outgoing = batch.map(toOutgoing)
        const signal = inFlight.signal
        const userId = state.userId
        /** Whether answers may still be applied: not when the engine stopped or another user signed in meanwhile. */
        const isCurrent = () => !stopped && !signal.aborted && outbox().userId === userId
        const seqs = batch.map((op) => op.seq)
        api.dispatch(opsSent({ seqs, at: now, probe }))
        let results: Settlement[]
        try {
          // Durability invariant 1 (write-ahead): the sent mark (in flight, attempts + 1) is stored before
          // the request leaves, so after a crash the operation comes back as possibly sent, frozen, and goes
          // again under its key with its body. A mark that could not be stored: nothing is sent, the
          // operations stay queued (nothing lost) and are tried again after a backoff.
          const stored = !context.persistence || (await context.persistence.opsStored(batch.map((op) => op.id)))
          // Stopped or another user signed in while the mark was written: nothing of this batch goes.
          if (!isCurrent()) return
          if (!stored) {
            unstored += 1
            const at = config.now()
            const error = toErrorInfo(
              new SyncStorageError('storage-failed', 'the operations were not sent because storing their sent mark failed; they are kept and tried again.'),
            )
            api.dispatch(opsUnsent({ seqs, error, nextAttemptAt: at + backoffDelay(unstored, config.retry, config.random), at }))
            continue
          }
          unstored = 0
          const outcomes = await pushBatch(config.adapter, outgoing, {
            timeoutMs: config.requestTimeoutMs,
            timers: config.timers,
            onError: (error) => config.onError(error, { raisedBy: 'adapter' }),
            recordIdOf,
            signal,
          })
          // Durability invariant 4: a late answer of a stopped engine or of a user who left changes nothing.
          if (!isCurrent()) return
          const settled = settleOutcomes(batch, outcomes, {
            now: config.now(),
            retry: config.retry,
            random: config.random,
            dependentsOf,
            conflictOf,
          })
          results = stillAnswering(settled.results)
          api.dispatch(opsSettled({ at: config.now(), verdict: settled.verdict, results }))
        } catch (error) {
          // Nothing between opsSent and opsSettled may leave operations in flight for good: whatever threw,
          // the batch goes again later (same idempotency keys) and the error is reported.
          config.onError(error, { raisedBy: 'drain' })
          if (!isCurrent()) return
          const failure = toErrorInfo(
            new SyncAdapterError(`A sent batch failed before its answers were recorded: ${error instanceof Error ? error.message : String(error)}. The batch will be retried.`, {
              cause: error,
            }),
          )
          const at = config.now()
          results = stillAnswering(
            batch.map((op): Settlement => ({
              seq: op.seq,
              opId: op.id,
              entity: op.entity,
              recordId: op.recordId,
              type: 'retry',
              error: failure,
              nextAttemptAt: at + backoffDelay(op.attempts + 1, config.retry, config.random),
            })),
          )
          api.dispatch(opsSettled({ at, verdict: 'transient', results }))
        }
        for (const result of results) if (result.type === 'confirmed' || result.type === 'conflict') touched.add(result.entity)
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
        touched.clear()
        try {
          do {
            again = false
            await drainOnce()
          } while (again)
        } finally {
          draining = false
        }
        // Only the entities the drain changed on the server are pulled after it, coalesced with any pull
        // running or asked for meanwhile (one pull per entity at a time).
        const changed = [...touched]
        touched.clear()
        if (changed.length > 0) void pull(changed)
      },
    })

    // Durability invariant 4: requests in flight are aborted when another user signs in (persistence calls
    // abortInFlight before it even flushes; this catches a userSwitched dispatched some other way), so no
    // answer of the user who left is applied to the new user's outbox.
    listener.startListening({
      actionCreator: userSwitched,
      effect: () => {
        abortInFlight('Another user signed in')
        // The outbox now waits for the new user's restore (hydrated is false until then).
        switching = false
      },
    })

    // Pulls: at start (after the restore, with persistence), on coming online, when a tab becomes the
    // sender, on pullNow (a WebSocket or SSE handler's hook) and every pullIntervalMs.
    listener.startListening({
      predicate: (action: UnknownAction) =>
        pullNow.match(action) ||
        rehydrated.match(action) ||
        senderElected.match(action) ||
        resume.match(action) ||
        (networkChanged.match(action) && action.payload.online),
      effect: async (action) => {
        await pull(pullNow.match(action) ? action.payload.entity : null)
      },
    })
    // Without persistence there is no restore to start from: pull once the store is set up.
    if (!context.persistence && config.adapter.pull && pulledEntities.length > 0)
      queueMicrotask(() => {
        if (!stopped && !context.persistence) api.dispatch(pullNow())
      })

    return listener.middleware(api)
  }

  return {
    middleware,
    /** Stops every store's drain: no more sends, timers or network listening. Requests in flight are aborted and their answers ignored. */
    stop() {
      for (const stop of running) stop()
      running.clear()
    },
  }
}
