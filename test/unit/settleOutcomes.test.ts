import { describe, expect, it } from 'vitest'
import type { SyncOutcome } from '../../src/adapters/types'
import type { SyncErrorInfo } from '../../src/core/errors'
import { resolveRetryOptions, type RetryOptions } from '../../src/core/backoff'
import { settleOutcomes, type SettleContext } from '../../src/middleware/settleOutcomes'
import type { Operation } from '../../src/types'

const NOW = 1_000_000

/** An operation as the drain picked it, before `opsSent` counted this attempt. */
function op(seq: number, overrides: Partial<Operation> = {}): Operation {
  return {
    id: `op-${seq}`,
    seq,
    entity: 'todos',
    recordId: `todo-${seq}`,
    kind: 'update',
    data: { title: `title ${seq}` },
    baseVersion: 1,
    enqueuedAt: NOW - 5000,
    attempts: 0,
    nextAttemptAt: null,
    status: 'pending',
    lastError: null,
    priority: 0,
    userId: null,
    ...overrides,
  }
}

const serverError: SyncErrorInfo = { name: 'SyncHttpError', message: 'HTTP 503 Service Unavailable', code: 'http-error', status: 503 }
const unprocessable: SyncErrorInfo = { name: 'SyncHttpError', message: 'HTTP 422 Unprocessable', code: 'http-error', status: 422 }
const unauthorised: SyncErrorInfo = { name: 'SyncHttpError', message: 'HTTP 401 Unauthorized', code: 'http-error', status: 401 }

/** A context with a fixed clock, scripted random values and a record of the dependents asked for. */
function context(retry: RetryOptions = {}, randoms: number[] = [0.5], dependents: Record<number, number[]> = {}) {
  const asked: number[] = []
  const conflicts: Array<[number, Record<string, unknown> | null]> = []
  let randomCalls = 0
  const ctx: SettleContext = {
    now: NOW,
    retry: resolveRetryOptions(retry),
    random: () => randoms[randomCalls++ % randoms.length]!,
    dependentsOf: (operation) => {
      asked.push(operation.seq)
      return dependents[operation.seq] ?? []
    },
    // The strategy is the drain's business; here it answers server-wins and records what it was asked.
    conflictOf: (operation, remote) => {
      conflicts.push([operation.seq, remote])
      return {
        seq: operation.seq,
        opId: operation.id,
        entity: operation.entity,
        recordId: operation.recordId,
        type: 'conflict',
        remote,
        kind: operation.kind,
        resolution: 'server-wins',
        next: null,
        parked: null,
        base: null,
        local: null,
        fields: [],
      }
    },
  }
  return { ctx, asked, conflicts, randomCalls: () => randomCalls }
}

describe('settleOutcomes', () => {
  describe('ok', () => {
    it("confirms with the server's record", () => {
      const { ctx } = context()
      const record = { id: 'todo-1', title: 'title 1', version: 2 }

      expect(settleOutcomes([op(1)], [{ type: 'ok', record }], ctx)).toEqual({
        results: [{ seq: 1, opId: 'op-1', entity: 'todos', recordId: 'todo-1', type: 'confirmed', record }],
        verdict: 'answered',
      })
    })

    it('confirms with record null when the server sent none', () => {
      const { ctx } = context()

      expect(settleOutcomes([op(1)], [{ type: 'ok' }], ctx).results).toEqual([
        { seq: 1, opId: 'op-1', entity: 'todos', recordId: 'todo-1', type: 'confirmed', record: null },
      ])
    })
  })

  describe('conflict', () => {
    it("hands the operation and the server's record to the entity's strategy and records its decision", () => {
      const { ctx, conflicts } = context()
      const remote = { id: 'todo-1', title: 'theirs', version: 5 }

      expect(settleOutcomes([op(1)], [{ type: 'conflict', remote }], ctx)).toEqual({
        results: [
          {
            seq: 1,
            opId: 'op-1',
            entity: 'todos',
            recordId: 'todo-1',
            type: 'conflict',
            remote,
            kind: 'update',
            resolution: 'server-wins',
            next: null,
            parked: null,
            base: null,
            local: null,
            fields: [],
          },
        ],
        verdict: 'answered',
      })
      expect(conflicts).toEqual([[1, remote]])
    })

    it('passes remote null when the record is gone', () => {
      const { ctx, conflicts } = context()

      settleOutcomes([op(1, { kind: 'delete', data: null })], [{ type: 'conflict', remote: null }], ctx)
      expect(conflicts).toEqual([[1, null]])
    })
  })

  describe('reject', () => {
    it('fails an update with its error and no dependents', () => {
      const { ctx, asked } = context({}, [0.5], { 1: [2, 3] })

      expect(settleOutcomes([op(1)], [{ type: 'reject', error: unprocessable }], ctx)).toEqual({
        results: [{ seq: 1, opId: 'op-1', entity: 'todos', recordId: 'todo-1', type: 'failed', error: unprocessable, dependents: [] }],
        verdict: 'answered',
      })
      expect(asked).toEqual([])
    })

    it("fails a create together with the record's later operations, which were built on it", () => {
      const { ctx, asked } = context({}, [0.5], { 1: [4, 9] })

      expect(settleOutcomes([op(1, { kind: 'create' })], [{ type: 'reject', error: unprocessable }], ctx).results).toEqual([
        { seq: 1, opId: 'op-1', entity: 'todos', recordId: 'todo-1', type: 'failed', error: unprocessable, dependents: [4, 9] },
      ])
      expect(asked).toEqual([1])
    })
  })

  describe('auth', () => {
    it('reports the credentials error, with verdict auth', () => {
      const { ctx } = context()

      expect(settleOutcomes([op(1)], [{ type: 'auth', error: unauthorised }], ctx)).toEqual({
        results: [{ seq: 1, opId: 'op-1', entity: 'todos', recordId: 'todo-1', type: 'auth', error: unauthorised }],
        verdict: 'auth',
      })
    })

    it('reports error null when the adapter gave none', () => {
      const { ctx } = context()

      expect(settleOutcomes([op(1)], [{ type: 'auth' }], ctx).results).toEqual([
        { seq: 1, opId: 'op-1', entity: 'todos', recordId: 'todo-1', type: 'auth', error: null },
      ])
    })
  })

  describe('retry', () => {
    it('schedules the next attempt after a full-jitter backoff for the attempt just made', () => {
      const { ctx } = context({ baseDelayMs: 1000 }, [0.5])

      expect(settleOutcomes([op(1)], [{ type: 'retry', error: serverError }], ctx)).toEqual({
        results: [
          { seq: 1, opId: 'op-1', entity: 'todos', recordId: 'todo-1', type: 'retry', error: serverError, nextAttemptAt: NOW + 500 },
        ],
        verdict: 'transient',
      })
    })

    it('doubles the backoff ceiling with the attempts already made', () => {
      const { ctx } = context({ baseDelayMs: 1000, maxDelayMs: 5000 }, [0.5])
      const sent = [op(1, { attempts: 0 }), op(2, { attempts: 1 }), op(3, { attempts: 2 }), op(4, { attempts: 3 })]
      const outcomes: SyncOutcome[] = sent.map(() => ({ type: 'retry', error: serverError }))
      const { results } = settleOutcomes(sent, outcomes, ctx)

      // Attempts 1, 2, 3, 4: ceilings 1000, 2000, 4000 and the 5000 cap; random 0.5 → half of each.
      expect(results.map((result) => (result.type === 'retry' ? result.nextAttemptAt - NOW : null))).toEqual([500, 1000, 2000, 2500])
    })

    it('uses the injected random once per retry without Retry-After', () => {
      const { ctx, randomCalls } = context({ baseDelayMs: 1000 }, [0, 0.999])
      const { results } = settleOutcomes(
        [op(1), op(2), op(3)],
        [
          { type: 'retry', error: serverError },
          { type: 'retry', error: serverError, retryAfterMs: 10 },
          { type: 'retry', error: serverError },
        ],
        ctx,
      )

      expect(results.map((result) => (result.type === 'retry' ? result.nextAttemptAt - NOW : null))).toEqual([0, 10, 999])
      expect(randomCalls()).toBe(2)
    })

    it('honours Retry-After exactly, even beyond the backoff cap, and a Retry-After of 0', () => {
      const { ctx } = context({ maxDelayMs: 60_000 }, [0.5])
      const { results } = settleOutcomes(
        [op(1), op(2)],
        [
          { type: 'retry', error: serverError, retryAfterMs: 120_000 },
          { type: 'retry', error: serverError, retryAfterMs: 0 },
        ],
        ctx,
      )

      expect(results).toEqual([
        { seq: 1, opId: 'op-1', entity: 'todos', recordId: 'todo-1', type: 'retry', error: serverError, nextAttemptAt: NOW + 120_000 },
        { seq: 2, opId: 'op-2', entity: 'todos', recordId: 'todo-2', type: 'retry', error: serverError, nextAttemptAt: NOW },
      ])
    })

    it('keeps retrying below maxAttempts', () => {
      const { ctx } = context({ maxAttempts: 3 }, [0.5])

      expect(settleOutcomes([op(1, { attempts: 1 })], [{ type: 'retry', error: serverError }], ctx).results).toEqual([
        { seq: 1, opId: 'op-1', entity: 'todos', recordId: 'todo-1', type: 'retry', error: serverError, nextAttemptAt: NOW + 1000 },
      ])
    })

    it('gives up on the attempt that reaches maxAttempts, saying why and how to retry', () => {
      const { ctx } = context({ maxAttempts: 3 })

      expect(settleOutcomes([op(1, { attempts: 2 })], [{ type: 'retry', error: serverError }], ctx)).toEqual({
        results: [
          {
            seq: 1,
            opId: 'op-1',
            entity: 'todos',
            recordId: 'todo-1',
            type: 'failed',
            error: {
              name: 'SyncError',
              code: 'max-attempts-exceeded',
              message:
                'Gave up after 3 attempts; the last one failed with: HTTP 503 Service Unavailable. Retry it with retryFailed().',
            },
            dependents: [],
          },
        ],
        // Still a transient failure for the circuit breaker: the backend did not answer.
        verdict: 'transient',
      })
    })

    it('gives up after the first attempt with maxAttempts 1, failing a create with its dependents', () => {
      const { ctx } = context({ maxAttempts: 1 }, [0.5], { 1: [2] })

      expect(settleOutcomes([op(1, { kind: 'create' })], [{ type: 'retry', error: serverError }], ctx).results).toEqual([
        {
          seq: 1,
          opId: 'op-1',
          entity: 'todos',
          recordId: 'todo-1',
          type: 'failed',
          error: {
            name: 'SyncError',
            code: 'max-attempts-exceeded',
            message: expect.stringMatching(
              /^Gave up after 1 attempts?; the last one failed with: HTTP 503 Service Unavailable\. Retry it with retryFailed\(\)\.$/,
            ),
          },
          dependents: [2],
        },
      ])
    })

    it('never gives up with the default maxAttempts', () => {
      const { ctx } = context({}, [0.5])

      expect(settleOutcomes([op(1, { attempts: 10_000 })], [{ type: 'retry', error: serverError }], ctx).results).toEqual([
        { seq: 1, opId: 'op-1', entity: 'todos', recordId: 'todo-1', type: 'retry', error: serverError, nextAttemptAt: NOW + 30_000 },
      ])
    })
  })

  describe('a mixed batch', () => {
    it('settles each operation by its own outcome, in the order sent', () => {
      const { ctx } = context({}, [0.5])
      const sent = [op(3), op(1, { kind: 'create', recordId: 7 }), op(8, { entity: 'notes' })]
      const { results } = settleOutcomes(
        sent,
        [{ type: 'retry', error: serverError }, { type: 'ok' }, { type: 'reject', error: unprocessable }],
        ctx,
      )

      expect(results.map((result) => [result.seq, result.entity, result.recordId, result.type])).toEqual([
        [3, 'todos', 'todo-3', 'retry'],
        [1, 'todos', 7, 'confirmed'],
        [8, 'notes', 'todo-8', 'failed'],
      ])
    })

    it.each<[string, SyncOutcome['type'][], string]>([
      ['any answer makes it answered', ['retry', 'auth', 'ok'], 'answered'],
      ['a rejection is an answer', ['retry', 'reject'], 'answered'],
      ['a conflict is an answer', ['auth', 'conflict'], 'answered'],
      ['retries without answers make it transient', ['retry', 'retry'], 'transient'],
      ['retries beat credential requests', ['auth', 'retry'], 'transient'],
      ['only credential requests make it auth', ['auth', 'auth'], 'auth'],
    ])('verdict: %s (%j → %s)', (_, types, verdict) => {
      const { ctx } = context()
      const outcomes = types.map((type): SyncOutcome => {
        switch (type) {
          case 'ok':
            return { type }
          case 'conflict':
            return { type, remote: null }
          case 'retry':
            return { type, error: serverError }
          case 'reject':
            return { type, error: unprocessable }
          case 'auth':
            return { type }
        }
      })

      expect(settleOutcomes(types.map((_, index) => op(index + 1)), outcomes, ctx).verdict).toBe(verdict)
    })
  })

  it('leaves the operations and outcomes it is given as they were', () => {
    const { ctx } = context({ maxAttempts: 2 })
    const sent = [Object.freeze(op(1, { attempts: 1, kind: 'create' })), Object.freeze(op(2))]
    const outcomes = Object.freeze([
      Object.freeze({ type: 'retry', error: serverError } as const),
      Object.freeze({ type: 'ok' } as const),
    ])
    settleOutcomes(sent, outcomes, ctx)

    expect(sent).toEqual([op(1, { attempts: 1, kind: 'create' }), op(2)])
  })
})
