import { isAnyOf, type UnknownAction } from '@reduxjs/toolkit'
import { backoffDelay } from '../../core/backoff'
import { SyncStorageError, toErrorInfo } from '../../core/errors'
import {
  authRestored,
  drainWaiting,
  networkChanged,
  opsAbandoned,
  opsSent,
  opsSettled,
  opsUnsent,
  rehydrated,
  resolveConflict,
  resume,
  retryDue,
  retryFailed,
  senderElected,
  syncNow,
  tabSynced,
  type Settlement,
} from '../../slices/actions'
import { isStampedEntityAction } from '../../slices/outbox/operationLedger'
import { pushBatch } from '../pushBatch'
import { settleOutcomes } from '../settleOutcomes'
import { alarm } from '../shared/alarm'
import { conflictOf } from '../shared/conflictSettlement'
import { answerMadeOnAbsence } from '../shared/madeOnAbsence'
import { heldAnswers } from '../shared/heldAnswers'
import { dependentsOf, recordIdOf } from '../shared/pendingRecords'
import { pickBatch, toOutgoing } from '../shared/sendableBatch'
import { serialRun } from '../shared/serialRun'
import { stillAnswering } from '../shared/stillAnswering'
import { settleUnrecorded } from '../shared/unrecordedBatch'
import type { SyncEngine, SyncHandler } from '../syncHandler'
import type { AuthHandler } from './auth'
import type { PullHandler } from './pull'

/** Actions after which there may be something to send. */
const isKick = isAnyOf(syncNow, resume, retryFailed, authRestored, networkChanged, retryDue, rehydrated, senderElected, resolveConflict, tabSynced, opsAbandoned)

/**
 * The push handler (the drain): one loop per store that sends batches while there is work and the way is
 * open (online, not paused, no credentials awaited, circuit not open, retry time reached). Kicks that
 * arrive while it runs make it look again when it would stop, so `syncNow` during a drain never sends
 * anything twice. The entities it confirmed or conflicted something of are pulled after it.
 */
export function buildPushHandler(engine: SyncEngine, handlers: { auth: AuthHandler; pull: PullHandler }): SyncHandler {
  const { config, api } = engine
  const distinctPriorities = new Set([...config.entities.values()].map((entity) => entity.priority)).size > 1
  /** Entities the current drain confirmed or conflicted something of: a pull of those follows it. */
  const touched = new Set<string>()
  /** Batches in a row whose sent mark could not be stored (for the backoff before the next try). */
  let unstored = 0
  /** Wakes the drain when a backoff or the circuit's cool-down ends. */
  const wake = alarm(engine, () => api.dispatch(retryDue()))
  const settleContext = {
    retry: config.retry,
    random: config.random,
    dependentsOf: dependentsOf.bind(null, engine),
    adjust: config.serverIds ? (results: Settlement[]) => config.serverIds!.settle(results, api.getState()) : undefined,
    conflictOf: conflictOf.bind(null, engine),
  }

  /** Confirmations received and not yet settled: several batches' answers settle in one dispatch. */
  const held = heldAnswers(engine, (results) => {
    for (const result of results) touched.add(result.entity)
  })

  async function drainOnce(): Promise<void> {
    config.onDrain?.(api, true)
    try {
      await drainLoop()
    } finally {
      // Whatever ended the drain, nothing received stays unsettled (answers no longer current are dropped).
      held.settle()
      config.onDrain?.(api, false)
    }
  }

  async function drainLoop(): Promise<void> {
    for (;;) {
      // An operation is sent only once it is in storage.
      const store = engine.store
      if (store.persistence) await held.during(store.persistence.opsStored())
      if (engine.signal.aborted) return
      // A user switch is underway: nothing goes until userSwitched.
      if (engine.requests.held) return wake.set(null)
      const state = engine.outbox()
      if (!state.hydrated || state.paused || state.authRequired || !state.online) return wake.set(null)
      // Another tab sends for this outbox.
      if (store.persistence && !store.persistence.isSender()) return wake.set(null)
      const now = config.now()
      const { circuit } = state
      if (circuit.state === 'open' && circuit.openUntil !== null && circuit.openUntil > now) return wake.set(circuit.openUntil)
      const probe = circuit.state !== 'closed'
      const limit = probe ? 1 : config.batchSize
      const { batch, earliest } = pickBatch(engine, state, now, limit, distinctPriorities)
      if (held.wouldChangePick(batch, limit, distinctPriorities)) {
        held.settle()
        continue
      }
      if (batch.length === 0) {
        // Held answers are settled before the drain rests, then it looks again: what they settle may be
        // retried, or waited for.
        if (held.holding()) {
          held.settle()
          continue
        }
        if (state.nextAttemptAt !== earliest) api.dispatch(drainWaiting({ nextAttemptAt: earliest }))
        return wake.set(earliest)
      }
      // Durability invariant 3: changes made on a record the server does not have are answered here,
      // never sent without If-Match (see answerMadeOnAbsence); the rest of the batch goes next round.
      const absent = batch.flatMap((op) => {
        const outcome = answerMadeOnAbsence(engine, op)
        return outcome ? [{ op, outcome }] : []
      })
      if (absent.length > 0) {
        held.settle()
        const settled = settleOutcomes(
          absent.map(({ op }) => op),
          absent.map(({ outcome }) => outcome),
          { now, ...settleContext },
        )
        const results = stillAnswering(engine.outbox(), settled.results)
        api.dispatch(opsSettled({ at: now, verdict: 'local', results }))
        for (const result of results) touched.add(result.entity)
        continue
      }
      const outgoing = batch.map((op) => toOutgoing(engine, op))
      const signal = engine.requests.signal
      const userId = state.userId
      /** Whether answers may still be applied: not when the engine stopped or another user signed in meanwhile. */
      const isCurrent = () => !engine.signal.aborted && !signal.aborted && engine.outbox().userId === userId
      const seqs = batch.map((op) => op.seq)
      // Server-assigned ids: whether a pull brings a tombstone while the batch is out (see ServerIdsRuntime).
      const deletedWhileOut = config.serverIds?.deletedWhileOut(batch)
      // Durability invariant 1: what goes out is stored with the sent mark, base version and body alike.
      let bodies: Record<number, Record<string, unknown> | null> | undefined
      outgoing.forEach((operation, index) => {
        if (operation.data !== batch[index]!.data) (bodies ??= {})[batch[index]!.seq] = operation.data
      })
      api.dispatch(opsSent({ seqs, at: now, probe, bases: outgoing.map((operation) => operation.baseVersion), ...(bodies ? { bodies } : {}) }))
      let results: Settlement[]
      try {
        // Durability invariant 1 (write-ahead): the sent mark (in flight, attempts + 1) is stored before
        // the request leaves, so after a crash the operation comes back as possibly sent, frozen, and goes
        // again under its key with its body. A mark that could not be stored: nothing is sent, the
        // operations stay queued (nothing lost) and are tried again after a backoff.
        const stored = !store.persistence || (await held.during(store.persistence.opsStored(batch.map((op) => op.id))))
        // Stopped or another user signed in while the mark was written: nothing of this batch goes.
        if (!isCurrent()) return
        if (!stored) {
          held.settle()
          unstored += 1
          const at = config.now()
          const error = toErrorInfo(
            new SyncStorageError('storage-failed', 'the operations were not sent because storing their sent mark failed; they are kept and tried again.'),
          )
          api.dispatch(opsUnsent({ seqs, error, nextAttemptAt: at + backoffDelay(unstored, config.retry, config.random), at }))
          continue
        }
        unstored = 0
        const outcomes = await held.during(
          pushBatch(config.adapter, outgoing, {
            timeoutMs: config.requestTimeoutMs,
            timers: config.timers,
            onError: (error) => config.onError(error, { raisedBy: 'adapter' }),
            recordIdOf: recordIdOf.bind(null, engine),
            signal,
          }),
        )
        // Durability invariant 4: a late answer of a stopped engine or of a user who left changes nothing.
        if (!isCurrent()) return
        const settled = settleOutcomes(batch, outcomes, { now: config.now(), ...settleContext, deletedWhileOut })
        // A batch confirmed in full is settled through `held`, which keeps it to settle with the next ones
        // where a settle is costly (see heldAnswers); a probe of the circuit, or any other answer, settles
        // at once, after what is held.
        if (!probe && settled.verdict === 'answered' && settled.results.every((result) => result.type === 'confirmed')) {
          held.hold(batch, settled.results, isCurrent)
          if (!held.worthHolding()) held.settle()
          continue
        }
        held.settle()
        results = stillAnswering(engine.outbox(), settled.results)
        api.dispatch(opsSettled({ at: config.now(), verdict: settled.verdict, results }))
      } catch (error) {
        // Nothing between opsSent and opsSettled may leave operations in flight for good: whatever threw,
        // the batch goes again later (same idempotency keys) and the error is reported.
        config.onError(error, { raisedBy: 'drain' })
        if (!isCurrent()) return
        held.settle()
        results = settleUnrecorded(engine, batch, error)
      }
      for (const result of results) if (result.type === 'confirmed' || result.type === 'conflict') touched.add(result.entity)
      const auth = results.find((result) => result.type === 'auth')
      if (auth && !(await handlers.auth.refreshCredentials(auth.type === 'auth' ? auth.error : null))) return
    }
  }

  // One drain at a time; kicks during it make it look once more.
  const drains = serialRun<true>(drainOnce, () => true)

  return {
    name: 'push',
    listeners: [
      {
        predicate: (action: UnknownAction) => {
          if (isKick(action)) return true
          if (!isStampedEntityAction(action)) return false
          // A change starts a drain only where one could send it: most dispatches (offline, or during a
          // drain) then start no listener run at all, which was a tenth of a dispatch's cost. Nothing is
          // missed: a running drain looks again before it ends, and each of these four closes only until
          // an action that is a kick above (rehydrated, networkChanged, resume, authRestored).
          if (drains.joinRunning(true)) return false
          const state = engine.outbox()
          return state.hydrated && state.online && !state.paused && !state.authRequired
        },
        effect: async () => {
          let ran: boolean
          try {
            ran = await drains.ask(true)
          } catch (error) {
            touched.clear()
            throw error
          }
          if (!ran) return
          // Only the entities the drain changed on the server are pulled after it, coalesced with any pull
          // running or asked for meanwhile (one pull per entity at a time).
          const changed = [...touched]
          touched.clear()
          if (changed.length > 0) void handlers.pull.request(changed)
        },
      },
    ],
  }
}
