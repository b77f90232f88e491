import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { backoffDelay, resolveRetryOptions, type RetryOptions } from '../../src/core/backoff'
import { SyncSetupError } from '../../src/core/errors'

/** The largest double below 1: what Math.random can return at most. */
const justUnderOne = 1 - Number.EPSILON / 2

const defaults = resolveRetryOptions()

describe('resolveRetryOptions', () => {
  it('defaults to a 1 s base, a 60 s cap and no limit on attempts', () => {
    expect(resolveRetryOptions()).toEqual({ baseDelayMs: 1000, maxDelayMs: 60_000, maxAttempts: Infinity })
    expect(resolveRetryOptions({})).toEqual({ baseDelayMs: 1000, maxDelayMs: 60_000, maxAttempts: Infinity })
  })

  it('keeps the defaults of the options not given', () => {
    expect(resolveRetryOptions({ maxAttempts: 5 })).toEqual({ baseDelayMs: 1000, maxDelayMs: 60_000, maxAttempts: 5 })
    expect(resolveRetryOptions({ baseDelayMs: 0, maxDelayMs: 0 })).toEqual({
      baseDelayMs: 0,
      maxDelayMs: 0,
      maxAttempts: Infinity,
    })
  })

  // `baseDelayMs?: number` accepts undefined (exactOptionalPropertyTypes is off), as in
  // `retry: { maxAttempts: config.maxAttempts }` with the setting absent: it means "the default".
  it('takes an option set to undefined as not given', () => {
    expect(resolveRetryOptions({ baseDelayMs: undefined, maxDelayMs: undefined, maxAttempts: undefined })).toEqual({
      baseDelayMs: 1000,
      maxDelayMs: 60_000,
      maxAttempts: Infinity,
    })
  })

  it('does not change the options object it is given', () => {
    const options = Object.freeze({ baseDelayMs: 10 })

    expect(resolveRetryOptions(options)).toEqual({ baseDelayMs: 10, maxDelayMs: 60_000, maxAttempts: Infinity })
    expect(options).toEqual({ baseDelayMs: 10 })
  })

  it.each<[RetryOptions, string]>([
    [{ baseDelayMs: -1 }, 'rtk-offline: retry.baseDelayMs must be a number ≥ 0, got -1.'],
    [{ baseDelayMs: Number.NaN }, 'rtk-offline: retry.baseDelayMs must be a number ≥ 0, got NaN.'],
    [{ baseDelayMs: '100' as unknown as number }, 'rtk-offline: retry.baseDelayMs must be a number ≥ 0, got 100.'],
    [{ maxDelayMs: -5 }, 'rtk-offline: retry.maxDelayMs must be a number ≥ 0, got -5.'],
    [{ maxDelayMs: null as unknown as number }, 'rtk-offline: retry.maxDelayMs must be a number ≥ 0, got null.'],
    [{ maxAttempts: 0 }, 'rtk-offline: retry.maxAttempts must be a number ≥ 1, got 0.'],
    [{ maxAttempts: 0.5 }, 'rtk-offline: retry.maxAttempts must be a number ≥ 1, got 0.5.'],
    [{ maxAttempts: Number.NaN }, 'rtk-offline: retry.maxAttempts must be a number ≥ 1, got NaN.'],
  ])('throws a SyncSetupError for %o', (options, message) => {
    expect(() => resolveRetryOptions(options)).toThrowError(expect.objectContaining({ code: 'setup', message }))
    expect(() => resolveRetryOptions(options)).toThrowError(SyncSetupError)
  })
})

describe('backoffDelay', () => {
  it('is 0 when random gives 0, at every attempt', () => {
    for (const attempt of [0, 1, 2, 10, 100]) expect(backoffDelay(attempt, defaults, () => 0)).toBe(0)
  })

  it('is just under the ceiling when random gives just under 1', () => {
    expect(backoffDelay(1, defaults, () => justUnderOne)).toBe(999)
  })

  it('doubles the ceiling with each attempt, from the base delay', () => {
    const ceilings = [1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay(attempt, defaults, () => justUnderOne) + 1)

    expect(ceilings).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000])
  })

  it('caps the ceiling at maxDelayMs, however many attempts', () => {
    const delays = [6, 7, 8, 50, 5000].map((attempt) => backoffDelay(attempt, defaults, () => justUnderOne))

    expect(delays).toEqual([31_999, 59_999, 59_999, 59_999, 59_999])
  })

  it('scales with random in between: half the ceiling for 0.5', () => {
    expect([1, 2, 3].map((attempt) => backoffDelay(attempt, defaults, () => 0.5))).toEqual([500, 1000, 2000])
  })

  it('treats attempt 0 like attempt 1', () => {
    expect(backoffDelay(0, defaults, () => justUnderOne)).toBe(999)
  })

  it('follows custom base and cap', () => {
    const options = resolveRetryOptions({ baseDelayMs: 100, maxDelayMs: 250 })

    expect([1, 2, 3, 4].map((attempt) => backoffDelay(attempt, options, () => justUnderOne))).toEqual([99, 199, 249, 249])
  })

  it('is always 0 with a cap of 0', () => {
    const options = resolveRetryOptions({ maxDelayMs: 0 })

    expect(backoffDelay(3, options, () => justUnderOne)).toBe(0)
  })

  it('asks random once per delay', () => {
    let calls = 0
    backoffDelay(4, defaults, () => {
      calls += 1
      return 0.25
    })

    expect(calls).toBe(1)
  })

  it('is a whole number of milliseconds from 0 up to, not including, min(cap, base · 2^(attempt − 1)) (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, baseDelayMs, maxDelayMs, r) => {
          const options = resolveRetryOptions({ baseDelayMs, maxDelayMs })
          const delay = backoffDelay(attempt, options, () => r)
          const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1))
          expect(Number.isInteger(delay)).toBe(true)
          expect(delay).toBeGreaterThanOrEqual(0)
          expect(delay).toBeLessThan(ceiling)
        },
      ),
    )
  })
})
