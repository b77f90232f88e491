import type { EntityId, Middleware, UnknownAction } from '@reduxjs/toolkit'
import { SyncSetupError, SyncValidationError } from '../core/errors'
import type { OfflineMeta, OpStamp, RevivedOp } from '../slices/actions'
import { resolveConflict, retryFailed } from '../slices/actions'
import { changeOnto } from '../conflicts/decideConflict'
import { applyChange, coalesce, type Change } from '../core/change'
import type { EntityActionMeta, EntityInternals } from '../slices/createSyncedEntity'
import { applyMergePatch, isJsonObject } from '../core/mergePatch'
import { mayHaveBeenSent, type OutboxState } from '../slices/outboxSlice'
import { selectOutbox } from '../slices/selectOutbox'
import { idPath, seqPath, trieEach, trieGet } from '../core/trie'
import type { Version } from '../types'
import { assertSerializable, isValidId, validateWithSchema } from './validation'
import { isRemoteAction } from '../slices/remoteAction'
import { upsertChanges } from './upsertChanges'

type Rec = Record<string, unknown>

export interface EnqueueConfig {
  reducerPath: string
  entities: ReadonlyMap<string, EntityInternals>
  now: () => number
  generateId: () => string
  coalesce: boolean
  /**
   * Whether this store may merge changes into unsent operations now. Never with tabs sharing an outbox:
   * another tab may be sending the operation (or be about to, once elected), and a merge that reaches it
   * late would change a body under a key already used (see createOfflineSync).
   */
  mayCoalesce: (getState: () => unknown) => boolean
  /**
   * Whether this store fills `retryFailed` and `resolveConflict` itself (new seqs and ids). With tabs
   * sharing an outbox only the sending tab does; the others forward the request to it.
   */
  mayFill: (getState: () => unknown) => boolean
  /**
   * Seqs are `counter × seqSlots + slot`, the slot claimed by this store's tab so that tabs sharing an
   * outbox never make the same one (Durability invariant 2).
   */
  seqSlots: number
  slot: (getState: () => unknown) => number
}

/** The record as the action found it, and the operation a further change could merge into. */
interface RecordCursor {
  record: Rec | null
  mergeable: { seq: number; id: string; queued: Change; baseVersion: Version | null } | null
  /** Whether the record's confirmed state (its shadow) exists on the server. */
  serverHasRecord: boolean
}


function versionOf(record: Rec | null, field: string): Version | null {
  const version = record?.[field]
  return typeof version === 'number' || typeof version === 'string' ? version : null
}

/**
 * Validates entity actions and stamps each record they touch with its operation (id, seq, time, base
 * version, and whether it merges into an unsent operation). Decided once here, with the state at hand,
 * so both reducers that see the action apply the same thing. Costs O(records in the action): it looks
 * up the touched records and never scans the outbox.
 */
export function buildEnqueueMiddleware(config: EnqueueConfig): Middleware {
  /**
   * Draws seqs for one action: `counter × seqSlots + slot` from the outbox's counter, which a restore
   * puts past every stored seq and every seq seen from another tab moves past. Durability invariant 2:
   * unique by construction (this tab's slot is its own, its counter only grows); a seq an operation of
   * this outbox still holds is skipped all the same, since the trie is keyed by seq and a clash would
   * silently drop an operation.
   */
  function seqDrawer(outbox: OutboxState, slot: number): () => number {
    let counter = outbox.nextSeq
    return () => {
      for (;;) {
        const seq = counter++ * config.seqSlots + slot
        const path = seqPath(seq)
        if (trieGet(outbox.ops, path) === undefined && trieGet(outbox.failed, path) === undefined) return seq
      }
    }
  }

  return (api) => (next) => (action) => {
    const meta = (action as { meta?: EntityActionMeta }).meta
    if (meta?.offlineEntity !== undefined && meta.offline === undefined) {
      return next(stamp(action as UnknownAction & { meta: EntityActionMeta; payload: unknown }, api.getState(), api.getState))
    }
    if (retryFailed.match(action) || resolveConflict.match(action)) {
      if (isRemoteAction(action)) {
        // Another tab's request, forwarded to the sending tab: made here as this tab's own action.
        if (isForwarded(action)) {
          if (config.mayFill(api.getState)) fillForwarded(action, api.dispatch)
          return undefined
        }
        // Another tab's action arrives filled in already; filling it again would pick new seqs and ids.
        return next(action)
      }
      // Durability invariants 1 and 2 with tabs: one tab, the sender, makes the operation that replaces a
      // failed or parked one. Two tabs filling the same request at once would each queue the change
      // again under a seq and id of their own: the same change twice, one copy held by a tab that does
      // not send. Another tab checks the request and forwards it, unfilled (its reducers change nothing).
      if (!config.mayFill(api.getState)) {
        if (resolveConflict.match(action)) settle(action, api.getState())
        return next({ ...action, meta: { ...(action as { meta?: object }).meta, toSender: true } })
      }
      return next(retryFailed.match(action) ? revive(action, api.getState(), api.getState) : settle(action, api.getState()))
    }
    return next(action)
  }

  function fillForwarded(action: UnknownAction, dispatch: (action: UnknownAction) => unknown): void {
    try {
      if (retryFailed.match(action)) dispatch(retryFailed(action.payload.opIds ?? undefined))
      else if (resolveConflict.match(action)) {
        const { resolved: _resolved, ...resolution } = action.payload
        dispatch(resolveConflict(resolution as Parameters<typeof resolveConflict>[0]))
      }
    } catch {
      // Settled meanwhile (resolved from another tab too): nothing left to do.
    }
  }

  function stamp(
    action: UnknownAction & { meta: EntityActionMeta; payload: unknown },
    rootState: unknown,
    getState: () => unknown,
  ): UnknownAction {
    const name = action.meta.offlineEntity
    const entity = config.entities.get(name)
    if (!entity)
      throw new SyncValidationError(
        name,
        undefined,
        `is not synced by this store's rtk-offline instance; add it to createOfflineSync({ entities: [...] }).`,
      )
    const kind = action.type.slice(name.length + 1)
    const state = entity.selectState(rootState)
    const outbox = selectOutbox(rootState, config.reducerPath)
    const { selectId, versionField, validate } = entity
    const cursors = new Map<EntityId, RecordCursor>()
    const stamps: OpStamp[] = []
    const draw = seqDrawer(outbox, config.slot(getState))
    const coalescing = config.coalesce && config.mayCoalesce(getState)

    const cursorOf = (id: EntityId): RecordCursor => {
      let cursor = cursors.get(id)
      if (cursor) return cursor
      const pending = trieGet(state.pending, idPath(id))
      const last = pending?.changes[pending.changes.length - 1]
      const op = last && trieGet(outbox.ops, seqPath(last.seq))
      cursor = {
        record: state.entities[id] ?? null,
        serverHasRecord: pending ? pending.base !== null : state.entities[id] !== undefined,
        // Durability invariant 1: only an operation never sent may change; one that may have been sent
        // is frozen (its idempotency key stands for its body), so the change becomes a new operation.
        mergeable:
          coalescing && last && op && !mayHaveBeenSent(op)
            ? { seq: op.seq, id: op.id, queued: { kind: op.kind, data: op.data }, baseVersion: op.baseVersion }
            : null,
      }
      cursors.set(id, cursor)
      return cursor
    }

    // The version of the server record the change is made on: for a record with pending changes, the one
    // they were made on (`madeOn`), never the confirmed state a pull moved since, whose version would let the
    // change overwrite a record it never saw (the drain sends this version where `madeOn` holds none).
    const madeOnVersion = (id: EntityId): Version | null => {
      const pending = trieGet(state.pending, idPath(id))
      return versionOf(pending ? pending.madeOn : (state.entities[id] ?? null), versionField)
    }

    const push = (id: EntityId, change: Change) => {
      const cursor = cursorOf(id)
      const merged = cursor.mergeable ? coalesce(cursor.mergeable.queued, change, cursor.serverHasRecord) : undefined
      let entry: OpStamp
      if (cursor.mergeable && merged !== undefined) {
        const { seq, id: opId, baseVersion } = cursor.mergeable
        entry = { recordId: id, change, queued: merged, coalesced: true, seq, id: opId, baseVersion }
      } else {
        entry = {
          recordId: id,
          change,
          queued: change,
          coalesced: false,
          seq: draw(),
          id: config.generateId(),
          baseVersion: madeOnVersion(id),
        }
        // Durability invariant 3: what the change was made on travels with it (see OpStamp.madeOn).
        if (!trieGet(state.pending, idPath(id))) entry.madeOn = (state.entities[id] as Record<string, unknown> | undefined) ?? null
      }
      stamps.push(entry)
      cursor.record = applyChange(cursor.record, change)
      cursor.mergeable =
        entry.queued === null || !coalescing
          ? null
          : { seq: entry.seq, id: entry.id, queued: entry.queued, baseVersion: entry.baseVersion }
    }

    const requireId = (id: unknown, what: string): EntityId => {
      if (!isValidId(id))
        throw new SyncValidationError(name, undefined, `${what} has no valid id (got ${JSON.stringify(id) ?? String(id)}); records need a string or number id made on the client, such as crypto.randomUUID().`)
      return id
    }

    const create = (input: unknown) => {
      if (!isJsonObject(input)) throw new SyncValidationError(name, undefined, `added() takes a record object, got ${describe(input)}.`)
      const id = requireId(selectId(input), 'the record')
      assertSerializable(name, id, input, 'the record')
      const record = validate ? (validateWithSchema(name, id, validate, input) as Rec) : input
      if (validate) assertSerializable(name, id, record, 'the validated record')
      if (selectId(record) !== id) throw new SyncValidationError(name, id, 'its schema changed the record id; ids must stay as made.')
      if (cursorOf(id).record !== null)
        throw new SyncValidationError(name, id, 'already exists; dispatch updated() to change it, or removed() first.')
      push(id, { kind: 'create', data: record })
    }

    const update = (input: unknown) => {
      if (!isJsonObject(input) || !isJsonObject(input.changes))
        throw new SyncValidationError(name, undefined, `updated() takes { id, changes } with changes as an object, got ${describe(input)}.`)
      const id = requireId(input.id, 'the update')
      const changes = input.changes
      assertSerializable(name, id, changes, 'changes')
      const current = cursorOf(id).record
      if (current === null) throw new SyncValidationError(name, id, 'does not exist (it may have been removed); nothing was changed.')
      const result = applyMergePatch(current, changes)
      if (selectId(result) !== id) throw new SyncValidationError(name, id, 'changes may not change the record id.')
      if (validate) validateWithSchema(name, id, validate, result)
      push(id, { kind: 'update', data: changes })
    }

    const remove = (input: unknown) => {
      const id = requireId(input, 'removed()')
      if (cursorOf(id).record === null) throw new SyncValidationError(name, id, 'does not exist (it may have been removed already); nothing was changed.')
      push(id, { kind: 'delete', data: null })
    }

    // An upsert is a create or an update of the fields that differ (upsertChanges.ts).
    const upsert = (input: unknown) => {
      if (!isJsonObject(input)) throw new SyncValidationError(name, undefined, `upserted() takes a record object, got ${describe(input)}.`)
      const id = requireId(selectId(input), 'the record')
      const current = cursorOf(id).record
      if (current === null) return create(input)
      const changes = upsertChanges(current, input, versionField)
      if (changes) update({ id, changes })
    }

    const many = (input: unknown, one: (item: unknown) => void) => {
      if (!Array.isArray(input)) throw new SyncValidationError(name, undefined, `${kind}() takes an array, got ${describe(input)}.`)
      for (const item of input) one(item)
    }

    // added, updated, removed, upserted and their …Many forms.
    const single = kind.endsWith('Many') ? kind.slice(0, -4) : kind
    const one =
      single === 'added' ? create : single === 'updated' ? update : single === 'removed' ? remove : single === 'upserted' ? upsert : undefined
    if (!one) throw new SyncValidationError(name, undefined, `"${action.type}" is not an action rtk-offline knows how to queue.`)
    if (single === kind) one(action.payload)
    else many(action.payload, one)
    const offline: OfflineMeta = { entity: name, at: config.now(), userId: outbox.userId, stamps }
    return { ...action, meta: { ...action.meta, offline } }
  }

  /** Fills `retryFailed` with the operations to queue again: each gets a new seq and id, re-applied last. */
  function revive(action: ReturnType<typeof retryFailed>, rootState: unknown, getState: () => unknown): UnknownAction {
    const outbox = selectOutbox(rootState, config.reducerPath)
    const wanted = action.payload.opIds === null ? null : new Set(action.payload.opIds)
    const revived: RevivedOp[] = []
    const views = new Map<string, Rec | null>()
    const draw = seqDrawer(outbox, config.slot(getState))
    trieEach(outbox.failed, (op) => {
      if (wanted !== null && !wanted.has(op.id)) return
      const entity = config.entities.get(op.entity)
      if (!entity) return
      const key = `${op.entity}\u0000${String(op.recordId)}`
      const view = views.has(key)
        ? views.get(key)!
        : (entity.selectState(rootState).entities[op.recordId] ?? null)
      // A change that no longer fits the record (an update of a record since removed) stays failed.
      const fits = op.kind === 'create' ? view === null : view !== null
      if (!fits) return
      const change: Change = { kind: op.kind, data: op.data }
      views.set(key, applyChange(view, change))
      revived.push({
        fromSeq: op.seq,
        seq: draw(),
        id: config.generateId(),
        entity: op.entity,
        recordId: op.recordId,
        change,
      })
    })
    return { ...action, payload: { ...action.payload, revived } }
  }

  /** Fills `resolveConflict` with what to do to the parked operation. */
  function settle(action: ReturnType<typeof resolveConflict>, rootState: unknown): UnknownAction {
    const outbox = selectOutbox(rootState, config.reducerPath)
    const conflict = outbox.conflicts.find((item) => item.id === action.payload.id && item.status === 'open')
    if (!conflict)
      throw new SyncSetupError(
        `resolveConflict: no open conflict has the id ${JSON.stringify(action.payload.id)}; take ids from selectConflicts (status 'open').`,
      )
    const op = trieGet(outbox.ops, seqPath(conflict.seq))
    const wanted =
      'merged' in action.payload ? action.payload.merged : action.payload.choose === 'local' ? conflict.local : conflict.remote
    if ('merged' in action.payload && action.payload.merged !== null)
      assertSerializable(conflict.entity, conflict.recordId, action.payload.merged, 'the merged record')
    const own = op && 'choose' in action.payload && action.payload.choose === 'local' ? { kind: op.kind, data: op.data } : undefined
    const change = 'choose' in action.payload && action.payload.choose === 'remote' ? null : changeOnto(conflict.remote, wanted, own)
    const resolved = {
      entity: conflict.entity,
      recordId: conflict.recordId,
      seq: conflict.seq,
      next: change && { id: config.generateId(), change },
      remote: conflict.remote,
    }
    return { ...action, payload: { ...action.payload, resolved } }
  }
}

/** A request another tab left for the sending tab to fill (see mayFill). */
function isForwarded(action: UnknownAction): boolean {
  return (action as { meta?: { toSender?: unknown } }).meta?.toSender === true
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object' ? Object.prototype.toString.call(value) : `${typeof value} ${String(value)}`
}
