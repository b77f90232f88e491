import type { OutgoingOperation, SyncAdapter, SyncOutcome } from '../../src'

type Rec = Record<string, unknown> & { id: string | number; version: number }

/**
 * A careful server behind an adapter: it stores the answer to each Idempotency-Key (the op id) with the
 * change and replays it, refuses a reused key with another body (422, as such servers do), checks
 * `baseVersion` on updates and deletes (409 with its record), and logs every application of a change.
 * `hold()` keeps the next pushes waiting (applied first when `applyHeld` is set) until `release()`.
 */
export function createIdempotentServer() {
  const records = new Map<string, Rec>()
  const answers = new Map<string, { body: string; outcome: SyncOutcome }>()
  const applied: Array<{ key: string; entity: string; recordId: string | number; kind: string; data: unknown }> = []
  const received: OutgoingOperation[] = []
  /** Outcomes given instead of applying, one per operation, before anything else. */
  const scripted: SyncOutcome[] = []
  let holding = false
  const held: Array<() => void> = []
  /** Called when a push arrives, before anything is applied (e.g. to crash the page there). */
  let onPush: ((operations: readonly OutgoingOperation[]) => void) | null = null

  function apply(op: OutgoingOperation): SyncOutcome {
    const forced = scripted.shift()
    if (forced) return forced
    const body = JSON.stringify([op.kind, op.recordId, op.data])
    const seen = answers.get(op.id)
    if (seen) {
      if (seen.body !== body)
        return { type: 'reject', error: { name: 'SyncHttpError', message: 'Idempotency-Key reused with another body', code: 'http-error', status: 422 } }
      return seen.outcome
    }
    const id = String(op.recordId)
    const current = records.get(id)
    let outcome: SyncOutcome
    if (op.kind === 'create') {
      if (current) outcome = { type: 'conflict', remote: { ...current } }
      else {
        const record = { ...(op.data as Rec), version: 1 }
        records.set(id, record)
        outcome = { type: 'ok', record: { ...record } }
      }
    } else if (!current) outcome = { type: 'conflict', remote: null }
    else if (op.baseVersion !== null && op.baseVersion !== current.version) outcome = { type: 'conflict', remote: { ...current } }
    else if (op.kind === 'update') {
      const record = { ...current, ...(op.data as Record<string, unknown>), version: current.version + 1 }
      records.set(id, record)
      outcome = { type: 'ok', record: { ...record } }
    } else {
      records.delete(id)
      outcome = { type: 'ok' }
    }
    if (outcome.type === 'ok') {
      applied.push({ key: op.id, entity: op.entity, recordId: op.recordId, kind: op.kind, data: op.data })
      answers.set(op.id, { body, outcome })
    }
    return outcome
  }

  const adapter: SyncAdapter = {
    async push(operations) {
      received.push(...operations)
      onPush?.(operations)
      const outcomes = operations.map(apply)
      if (holding) await new Promise<void>((resolve) => held.push(resolve))
      return outcomes
    },
  }

  return {
    adapter,
    records,
    applied,
    received,
    /** The next operations get these outcomes, unapplied. */
    answerNext(...outcomes: SyncOutcome[]) {
      scripted.push(...outcomes)
    },
    /** Sets the record as another client would have it. */
    seed(record: Rec) {
      records.set(String(record.id), { ...record })
    },
    edit(id: string, changes: Record<string, unknown>) {
      const current = records.get(id)!
      records.set(id, { ...current, ...changes, version: current.version + 1 })
    },
    /** Answers wait (the changes are applied) until release(). */
    hold() {
      holding = true
    },
    release() {
      holding = false
      for (const resolve of held.splice(0)) resolve()
    },
    waiting: () => held.length,
    onPush(callback: ((operations: readonly OutgoingOperation[]) => void) | null) {
      onPush = callback
    },
  }
}
