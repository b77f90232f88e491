import { afterEach, describe, expect, it, vi } from 'vitest'
import type { OutgoingOperation, PushOptions, SyncAdapter, SyncOutcome } from '../../src/adapters/types'
import { SyncAdapterError, SyncTimeoutError } from '../../src/core/errors'
import { pushBatch } from '../../src/middleware/pushBatch'
import { globalTimers, type Timers } from '../../src/core/timers'

function outgoing(n: number): OutgoingOperation {
  return {
    id: `op-${n}`,
    entity: 'todos',
    recordId: `todo-${n}`,
    kind: 'update',
    data: { title: `title ${n}` },
    baseVersion: 1,
    attempts: 0,
    enqueuedAt: 1_000_000,
    userId: null,
  }
}

const two = [outgoing(1), outgoing(2)]

/** Timers a test fires by hand; records what was scheduled and cleared. */
function handTimers() {
  const scheduled: Array<{ handle: number; ms: number; fire: () => void }> = []
  const cleared: unknown[] = []
  let next = 0
  const timers: Timers = {
    setTimeout(callback, ms) {
      const handle = ++next
      scheduled.push({ handle, ms, fire: callback })
      return handle
    },
    clearTimeout(handle) {
      cleared.push(handle)
    },
  }
  return { timers, scheduled, cleared }
}

/** An adapter whose push the test settles by hand; records each call. */
function heldAdapter() {
  const calls: Array<{ operations: readonly OutgoingOperation[]; options: PushOptions }> = []
  let settle: { resolve: (value: unknown) => void; reject: (error: unknown) => void } | undefined
  const adapter: SyncAdapter = {
    push(operations, options) {
      calls.push({ operations, options })
      return new Promise<SyncOutcome[]>((resolve, reject) => {
        settle = { resolve: resolve as (value: unknown) => void, reject }
      })
    },
  }
  return {
    adapter,
    calls,
    resolve: (value: unknown) => settle!.resolve(value),
    reject: (error: unknown) => settle!.reject(error),
  }
}

/** An adapter that answers at once with `answer(operations)`. */
function answeringAdapter(answer: (operations: readonly OutgoingOperation[]) => unknown): SyncAdapter {
  return { push: async (operations) => answer(operations) as SyncOutcome[] }
}

function setup() {
  const hand = handTimers()
  const errors: unknown[] = []
  const options = { timeoutMs: 5000, timers: hand.timers, onError: (error: unknown) => void errors.push(error) }
  return { ...hand, errors, options }
}

const timeoutInfo = {
  name: 'SyncTimeoutError',
  code: 'timeout',
  message: 'The backend did not answer within 5000 ms; the operation will be retried.',
}

afterEach(() => {
  vi.useRealTimers()
})

describe('pushBatch', () => {
  it("resolves to the adapter's outcomes, one per operation, and clears its timer", async () => {
    const { options, scheduled, cleared, errors } = setup()
    const outcomes: SyncOutcome[] = [{ type: 'ok', record: { id: 'todo-1', version: 2 } }, { type: 'conflict', remote: null }]
    const held = heldAdapter()
    const pushed = pushBatch(held.adapter, two, options)

    expect(held.calls).toHaveLength(1)
    expect(held.calls[0]!.operations).toEqual(two)
    expect(held.calls[0]!.options.signal.aborted).toBe(false)
    expect(scheduled.map((timer) => timer.ms)).toEqual([5000])

    held.resolve(outcomes)

    await expect(pushed).resolves.toEqual(outcomes)
    expect(cleared).toEqual([scheduled[0]!.handle])
    expect(held.calls[0]!.options.signal.aborted).toBe(false)
    expect(errors).toEqual([])
  })

  it('resolves an empty batch to no outcomes', async () => {
    const { options } = setup()

    await expect(pushBatch(answeringAdapter(() => []), [], options)).resolves.toEqual([])
  })

  describe('timeout', () => {
    it('aborts the request and retries every operation when the timer fires first', async () => {
      const { options, scheduled, errors } = setup()
      const held = heldAdapter()
      const pushed = pushBatch(held.adapter, two, options)

      scheduled[0]!.fire()

      await expect(pushed).resolves.toEqual([
        { type: 'retry', error: timeoutInfo },
        { type: 'retry', error: timeoutInfo },
      ])
      const { signal } = held.calls[0]!.options
      expect(signal.aborted).toBe(true)
      expect(signal.reason).toBeInstanceOf(SyncTimeoutError)
      expect((signal.reason as SyncTimeoutError).code).toBe('timeout')
      // A timeout is the backend's silence, not the adapter's fault.
      expect(errors).toEqual([])
    })

    it('ignores an adapter that rejects with the abort reason after the timeout', async () => {
      const { options, scheduled, errors } = setup()
      const held = heldAdapter()
      const pushed = pushBatch(held.adapter, two, options)

      scheduled[0]!.fire()
      held.reject(held.calls[0]!.options.signal.reason)

      await expect(pushed).resolves.toEqual([
        { type: 'retry', error: timeoutInfo },
        { type: 'retry', error: timeoutInfo },
      ])
      expect(errors).toEqual([])
    })

    it('ignores an answer that comes after the timeout', async () => {
      const { options, scheduled } = setup()
      const held = heldAdapter()
      const pushed = pushBatch(held.adapter, [outgoing(1)], options)

      scheduled[0]!.fire()
      held.resolve([{ type: 'ok' }])

      await expect(pushed).resolves.toEqual([{ type: 'retry', error: timeoutInfo }])
    })

    it('uses the global timers lazily, so fake timers installed after import apply', async () => {
      vi.useFakeTimers()
      const held = heldAdapter()
      let result: SyncOutcome[] | undefined
      void pushBatch(held.adapter, [outgoing(1)], { timeoutMs: 5000, timers: globalTimers, onError: () => {} }).then(
        (outcomes) => (result = outcomes),
      )

      await vi.advanceTimersByTimeAsync(4999)
      expect(result).toBeUndefined()
      expect(held.calls[0]!.options.signal.aborted).toBe(false)

      await vi.advanceTimersByTimeAsync(1)
      expect(result).toEqual([{ type: 'retry', error: timeoutInfo }])
      expect(vi.getTimerCount()).toBe(0)
    })

    it('leaves no timer behind once the adapter has answered', async () => {
      vi.useFakeTimers()
      await pushBatch(answeringAdapter(() => [{ type: 'ok' }]), [outgoing(1)], {
        timeoutMs: 5000,
        timers: globalTimers,
        onError: () => {},
      })

      expect(vi.getTimerCount()).toBe(0)
    })
  })

  describe('an adapter that throws', () => {
    it('retries every operation and reports the original error to onError', async () => {
      const { options, scheduled, cleared, errors } = setup()
      const boom = new Error('boom')
      const held = heldAdapter()
      const pushed = pushBatch(held.adapter, two, options)
      held.reject(boom)

      const retry = {
        type: 'retry',
        error: {
          name: 'SyncAdapterError',
          code: 'adapter-failed',
          message: "The adapter's push threw: boom. The batch will be retried.",
        },
      }
      await expect(pushed).resolves.toEqual([retry, retry])
      expect(errors).toHaveLength(1)
      expect(errors[0]).toBe(boom)
      expect(cleared).toEqual([scheduled[0]!.handle])
    })

    it('handles a push that throws synchronously, before returning a promise', async () => {
      const { options, errors } = setup()
      const boom = new TypeError('cannot read x')
      const adapter: SyncAdapter = {
        push: () => {
          throw boom
        },
      }

      await expect(pushBatch(adapter, [outgoing(1)], options)).resolves.toEqual([
        {
          type: 'retry',
          error: {
            name: 'SyncAdapterError',
            code: 'adapter-failed',
            message: "The adapter's push threw: cannot read x. The batch will be retried.",
          },
        },
      ])
      expect(errors).toEqual([boom])
    })

    it('describes a thrown non-error by its string form', async () => {
      const { options, errors } = setup()
      const adapter: SyncAdapter = { push: () => Promise.reject('offline?') }

      await expect(pushBatch(adapter, [outgoing(1)], options)).resolves.toEqual([
        {
          type: 'retry',
          error: {
            name: 'SyncAdapterError',
            code: 'adapter-failed',
            message: "The adapter's push threw: offline?. The batch will be retried.",
          },
        },
      ])
      expect(errors).toEqual(['offline?'])
    })

    it('passes its own timeout error through as a retry, without calling onError', async () => {
      const { options, errors } = setup()
      const adapter: SyncAdapter = { push: () => Promise.reject(new SyncTimeoutError(5000)) }

      await expect(pushBatch(adapter, [outgoing(1)], options)).resolves.toEqual([{ type: 'retry', error: timeoutInfo }])
      expect(errors).toEqual([])
    })
  })

  describe('an adapter that breaks its contract', () => {
    it.each<[string, unknown, string]>([
      ['too few outcomes', [{ type: 'ok' }], 'returned 1 items'],
      ['too many outcomes', [{ type: 'ok' }, { type: 'ok' }, { type: 'ok' }], 'returned 3 items'],
      ['no array', undefined, 'returned undefined'],
      ['an object instead of an array', { type: 'ok' }, 'returned object'],
    ])('retries every operation and reports a SyncAdapterError for %s', async (_, answer, returned) => {
      const { options, errors } = setup()
      const message =
        "The adapter's push must resolve to one outcome per operation ({ type: 'ok' | 'conflict' | 'retry' | 'reject' | 'auth' }); " +
        `it got 2 operations and ${returned}. The batch will be retried.`

      const outcomes = await pushBatch(
        answeringAdapter(() => answer),
        two,
        options,
      )

      const retry = { type: 'retry', error: { name: 'SyncAdapterError', code: 'adapter-failed', message } }
      expect(outcomes).toEqual([retry, retry])
      expect(errors).toHaveLength(1)
      expect(errors[0]).toBeInstanceOf(SyncAdapterError)
      expect(errors[0]).toMatchObject({ code: 'adapter-failed', message })
    })

    it.each<[string, unknown, string]>([
      ['an unknown outcome type', { type: 'done' }, `an outcome's type must be 'ok', 'conflict', 'retry', 'reject' or 'auth', got "done"`],
      ['a null outcome', null, 'an outcome must be an object, got null'],
      ['an ok record of another record', { type: 'ok', record: { id: 'todo-1' } }, `the 'ok' record for todos "todo-2" is another record (its id does not match)`],
    ])('retries only the operation with %s and reports a SyncAdapterError', async (_, bad, problem) => {
      const { options, errors } = setup()
      const outcomes = await pushBatch(
        answeringAdapter(() => [{ type: 'ok' }, bad]),
        two,
        options,
      )
      const message =
        `The adapter's outcome for the update of todos "todo-2" is malformed: ${problem}. ` +
        'The operation will be retried; fix the adapter so it returns outcomes of the SyncOutcome shape.'
      expect(outcomes).toEqual([{ type: 'ok' }, { type: 'retry', error: { name: 'SyncAdapterError', code: 'adapter-failed', message } }])
      expect(errors).toHaveLength(1)
      expect(errors[0]).toMatchObject({ code: 'adapter-failed', message })
    })
  })
})
