import { checkNumber } from './checkNumber'

/** Retry timing options of `createOfflineSync`. */
export interface RetryOptions {
  /**
   * The first retry waits up to this long; each further attempt doubles the ceiling.
   * @default 1000
   */
  baseDelayMs?: number
  /**
   * The ceiling of the wait between attempts.
   * @default 60_000
   */
  maxDelayMs?: number
  /**
   * After this many attempts a transiently failing operation moves to the failed list (rolled back,
   * still listed and retryable). Never silently dropped.
   * @default Infinity
   */
  maxAttempts?: number
}

export type ResolvedRetryOptions = Required<RetryOptions>

/** An option set to `undefined` counts as not given, so spreading it over the defaults must skip it. */
export function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>
}

export function resolveRetryOptions(options: RetryOptions = {}): ResolvedRetryOptions {
  const resolved = { baseDelayMs: 1000, maxDelayMs: 60_000, maxAttempts: Infinity, ...definedOnly(options) }
  // Checked in development only, as every option of createOfflineSync (a production build drops it).
  if (process.env.NODE_ENV !== 'production')
    for (const [name, value] of Object.entries(resolved)) checkNumber(`retry.${name}`, value, name === 'maxAttempts' ? 1 : 0)
  return resolved
}

/**
 * The wait before attempt `attempt + 1`, with full jitter: a random point between 0 and
 * `min(maxDelayMs, baseDelayMs * 2^(attempt - 1))`, so clients that failed together do not retry together.
 */
export function backoffDelay(attempt: number, options: ResolvedRetryOptions, random: () => number): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, attempt - 1))
  return Math.floor(random() * ceiling)
}
