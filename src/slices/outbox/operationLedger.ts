import type { UnknownAction } from '@reduxjs/toolkit'
import type { Change } from '../../core/change'
import type { SyncErrorInfo } from '../../core/errors'
import { seqPath, trieDelete, trieEach, trieGet, trieSet } from '../../core/trie'
import type { Operation } from '../../types'
import {
  discardFailed,
  opsSent,
  opsSettled,
  opsUnsent,
  resolveConflict,
  retryFailed,
  type OfflineMeta,
  type Settlement,
} from '../actions'
import type { OutboxCounts, OutboxState } from '../outboxState'
import { on, type OutboxConfig, type SyncCase } from './syncCase'

// The operation ledger: the one place that moves an operation between states (queued, in flight, parked,
// failed, gone) and keeps the counters (`state.counts`) true as it does. Persistence's own moves (a restore,
// a live tab's state, sends a gone tab left) are its cases in rtk-offline/persist (persist/outboxCases.ts),
// joined to the slice only when an app persists.

/**
 * Durability invariant 1 (write-ahead): an operation that may have been sent (in flight, or sent at
 * least once: attempts > 0, which a restore keeps) is frozen: nothing is merged into it, its body and
 * idempotency key never change. The enqueue middleware asks this before coalescing.
 */
export function mayHaveBeenSent(op: Operation): boolean {
  return op.status !== 'pending' || op.attempts > 0
}

/** Whether an entity action carries the enqueue middleware's stamps (its operations to queue). */
export function isStampedEntityAction(action: UnknownAction): action is UnknownAction & { meta: { offline: OfflineMeta } } {
  const meta = (action as { meta?: { offline?: OfflineMeta } }).meta
  return meta?.offline !== undefined && Array.isArray(meta.offline.stamps)
}

/**
 * Durability invariant 4: an answer is applied only to the operation it answers, of the signed-in user. An
 * answer to another user's operation, or to an operation since replaced at that seq (seqs restart per
 * user), changes nothing. Every part of the slice checks this before it records an answer.
 */
export function isAnswered(state: OutboxState, result: Settlement, ownsEntity: (entity: string) => boolean): boolean {
  if (!ownsEntity(result.entity)) return false
  const answered = trieGet(state.ops, seqPath(result.seq))
  return answered !== undefined && answered.id === result.opId && answered.userId === state.userId
}

/** Lets every waiting operation go at once (back online, or the app asked to sync now). */
export function clearOpBackoff(state: OutboxState): void {
  trieEach(state.ops, (op) => {
    if (op.nextAttemptAt !== null) op.nextAttemptAt = null
  })
}

function bump(counts: OutboxCounts, entity: string, by: number): void {
  counts.pending += by
  counts.byEntity[entity] = (counts.byEntity[entity] ?? 0) + by
  if (counts.byEntity[entity] === 0) delete counts.byEntity[entity]
}

/** Counters from scratch, after a restore or a live tab's state replaced the operations (rtk-offline/persist). */
export function recount(state: OutboxState): void {
  const counts: OutboxCounts = { pending: 0, inflight: 0, parked: 0, failed: 0, byEntity: {} }
  trieEach(state.ops, (op) => {
    bump(counts, op.entity, 1)
    if (op.status === 'inflight') counts.inflight += 1
    if (op.status === 'conflict') counts.parked += 1
  })
  trieEach(state.failed, () => {
    counts.failed += 1
  })
  state.counts = counts
}

/** Removes an unsettled operation, keeping the counters true. */
function take(state: OutboxState, seq: number): Operation | undefined {
  const path = seqPath(seq)
  const op = trieGet(state.ops, path)
  if (!op) return undefined
  trieDelete(state.ops, path)
  bump(state.counts, op.entity, -1)
  if (op.status === 'inflight') state.counts.inflight -= 1
  if (op.status === 'conflict') state.counts.parked -= 1
  return op
}

function fail(state: OutboxState, seq: number, error: SyncErrorInfo): void {
  const op = take(state, seq)
  if (!op) return
  trieSet(state.failed, seqPath(seq), { ...op, status: 'failed', nextAttemptAt: null, lastError: error })
  state.counts.failed += 1
}

/** Parks an operation for a person: not sent, and the record's later operations wait behind it. */
function park(state: OutboxState, op: Operation): void {
  if (op.status === 'inflight') state.counts.inflight -= 1
  if (op.status !== 'conflict') state.counts.parked += 1
  op.status = 'conflict'
  op.nextAttemptAt = null
}

/**
 * The operation again, with a new id (a new idempotency key for a new body), as if never sent. The only
 * place a sent operation's id and body change (Durability invariant 1: a sent one is otherwise frozen).
 * It names the id it replaces, so storage drops that record once this one is stored (invariant 6).
 */
function requeue(state: OutboxState, op: Operation, next: { id: string; change: Change }): void {
  if (op.status === 'inflight') state.counts.inflight -= 1
  if (op.status === 'conflict') state.counts.parked -= 1
  op.replaces = op.id
  op.id = next.id
  op.kind = next.change.kind
  op.data = next.change.data
  op.status = 'pending'
  op.attempts = 0
  op.nextAttemptAt = null
  op.lastError = null
}

/** The ledger's cases: `state.ops`, `state.failed`, `state.nextSeq` and `state.counts`. */
export function operationLedgerCases(config: OutboxConfig): SyncCase[] {
  const ownsEntity = (entity: string) => config.priorities.has(entity)
  // A Lamport counter: past every seq seen, from this tab or another.
  const counterAfter = (seq: number) => Math.floor(seq / config.seqSlots) + 1
  return [
    on(opsSent, (state, { payload }) => {
      payload.seqs.forEach((seq, index) => {
        const op = trieGet(state.ops, seqPath(seq))
        if (!op || op.status !== 'pending') return
        op.status = 'inflight'
        op.attempts += 1
        op.nextAttemptAt = null
        // Durability invariant 1: the base version it went with is part of what was sent (a careful
        // server fingerprints it with the key); kept, so every later send of it goes with the same one.
        const base = payload.bases?.[index]
        if (base !== undefined) op.baseVersion = base
        // And the body: references put to server ids as it went (ServerIdsRuntime.outgoing), kept so that a
        // pair learned later changes nothing of it (chaos seeds 21584 and 21983).
        const body = payload.bodies?.[seq]
        if (body !== undefined) op.data = body
        state.counts.inflight += 1
      })
    }),
    on(opsUnsent, (state, { payload }) => {
      // Never sent: the mark is taken back, so attempts count only requests that left.
      for (const seq of payload.seqs) {
        const op = trieGet(state.ops, seqPath(seq))
        if (!op || op.status !== 'inflight') continue
        op.status = 'pending'
        op.attempts = Math.max(0, op.attempts - 1)
        op.nextAttemptAt = payload.nextAttemptAt
        op.lastError = payload.error
        state.counts.inflight -= 1
      }
    }),
    on(opsSettled, (state, { payload }) => {
      for (const result of payload.results) {
        if (!isAnswered(state, result, ownsEntity)) continue
        switch (result.type) {
          case 'confirmed':
            take(state, result.seq)
            break
          case 'conflict': {
            const op = trieGet(state.ops, seqPath(result.seq))
            if (!op) break
            if (result.resolution === 'manual') {
              park(state, op)
              // A parked op's body may change form for display, under its old id: safe under
              // invariant 1, since a parked op never goes out again under that id (it leaves only
              // by resolveConflict, through requeue with a new id, or is taken).
              if (result.parked) {
                op.kind = result.parked.kind
                op.data = result.parked.data
              }
            } else if (result.next) requeue(state, op, result.next)
            else take(state, result.seq)
            break
          }
          case 'retry':
          case 'auth': {
            const op = trieGet(state.ops, seqPath(result.seq))
            if (!op) break
            if (op.status === 'inflight') state.counts.inflight -= 1
            op.status = 'pending'
            op.nextAttemptAt = result.type === 'retry' ? result.nextAttemptAt : null
            op.lastError = result.error
            break
          }
          case 'failed': {
            fail(state, result.seq, result.error)
            const because = {
              name: 'SyncError',
              code: 'dependency-failed',
              message: `Not sent: an earlier operation on the same record failed (${result.error.message}).`,
            }
            for (const dependent of result.dependents) fail(state, dependent, because)
            break
          }
        }
      }
    }),
    on(retryFailed, (state, { payload }) => {
      for (const revived of payload.revived) {
        if (!ownsEntity(revived.entity)) continue
        const path = seqPath(revived.fromSeq)
        const op = trieGet(state.failed, path)
        if (!op) continue
        trieDelete(state.failed, path)
        state.counts.failed -= 1
        trieSet<Operation>(state.ops, seqPath(revived.seq), {
          ...op,
          // Durability invariant 6: storage drops the failed record once this one is stored.
          replaces: op.id,
          id: revived.id,
          seq: revived.seq,
          ...revived.change,
          status: 'pending',
          attempts: 0,
          nextAttemptAt: null,
          lastError: null,
        })
        bump(state.counts, op.entity, 1)
        state.nextSeq = Math.max(state.nextSeq, counterAfter(revived.seq))
      }
    }),
    on(discardFailed, (state, { payload }) => {
      const ids = payload.opIds === null ? null : new Set(payload.opIds)
      const seqs: number[] = []
      trieEach(state.failed, (op) => {
        if (ids === null || ids.has(op.id)) seqs.push(op.seq)
      })
      for (const seq of seqs) trieDelete(state.failed, seqPath(seq))
      state.counts.failed -= seqs.length
    }),
    on(resolveConflict, (state, { payload }) => {
      const resolved = payload.resolved
      if (!resolved || !ownsEntity(resolved.entity)) return
      const op = trieGet(state.ops, seqPath(resolved.seq))
      if (!op || op.status !== 'conflict') return
      if (resolved.next) requeue(state, op, resolved.next)
      else take(state, resolved.seq)
    }),
    {
      matcher: isStampedEntityAction,
      reduce: (state, action) => {
        const meta = (action as UnknownAction & { meta: { offline: OfflineMeta } }).meta.offline
        if (!ownsEntity(meta.entity)) return
        const priority = config.priorities.get(meta.entity) ?? 0
        for (const stamp of meta.stamps) {
          const path = seqPath(stamp.seq)
          if (stamp.coalesced) {
            const op = trieGet(state.ops, path)
            if (!op) continue
            if (stamp.queued === null) take(state, stamp.seq)
            else {
              op.kind = stamp.queued.kind
              op.data = stamp.queued.data
            }
            continue
          }
          if (stamp.queued === null || trieGet(state.ops, path)) continue
          trieSet<Operation>(state.ops, path, {
            id: stamp.id,
            seq: stamp.seq,
            entity: meta.entity,
            recordId: stamp.recordId,
            kind: stamp.queued.kind,
            data: stamp.queued.data,
            baseVersion: stamp.baseVersion,
            enqueuedAt: meta.at,
            attempts: 0,
            nextAttemptAt: null,
            status: 'pending',
            lastError: null,
            priority,
            userId: meta.userId,
          })
          bump(state.counts, meta.entity, 1)
          state.nextSeq = Math.max(state.nextSeq, counterAfter(stamp.seq))
        }
      },
    },
  ]
}
