import { SyncSetupError } from '../core/errors'
import { sampleReservoir, type Percentiles } from './sampleReservoir'
import type { SyncEvent, SyncEventListener } from './types'

/** What {@link createSyncMetrics}' `selectMetrics` returns: counts and timings since start (or the last `reset`). */
export interface SyncMetrics {
  /** The `at` of the first and the latest event counted (the engine's clock); null before any. */
  firstEventAt: number | null
  lastEventAt: number | null
  /** Runs of the drain that sent something. */
  drains: number
  requests: {
    /** Pushes answered (or failed as a whole). */
    count: number
    /** Of those, failed as a whole (network, timeout, 5xx…) or refused for credentials. */
    transient: number
    auth: number
    /** From a push leaving to its answer. */
    durationMs: Percentiles
  }
  ops: {
    sent: number
    confirmed: number
    retried: number
    failed: number
    conflicted: number
    /** From an operation being made to the backend confirming it. */
    timeToConfirmMs: Percentiles
  }
  pull: {
    pages: number
    records: number
  }
  /** Times the circuit breaker opened. */
  breakerOpened: number
  storageProblems: number
}

/** Options of {@link createSyncMetrics}. */
export interface SyncMetricsOptions {
  /**
   * Durations kept per timing for the percentiles: exact up to this many, then a uniform sample of all
   * since start (reservoir sampling). Counts and `max` are always exact.
   * @default 1000
   */
  maxSamples?: number
  /**
   * Randomness for the sample, in [0, 1).
   * @default Math.random
   */
  random?: () => number
}

/** What {@link createSyncMetrics} returns. */
export interface SyncMetricsTracker {
  /** The metrics now; the same object until another event is counted. */
  selectMetrics(): SyncMetrics
  /** Starts counting afresh. */
  reset(): void
  /** Stops counting (unsubscribes from the instance). */
  stop(): void
}

/**
 * Counts what an instance's sync events tell, with percentiles (p50, p95, p99) of request durations and
 * of operations' time to confirm. An opt-in import: an app that does not measure ships none of it. Needs
 * the instance's `events` option (`events: syncEvents`).
 *
 * @example
 * ```ts
 * const metrics = createSyncMetrics(sync)
 * // later, e.g. every minute:
 * const { requests, ops } = metrics.selectMetrics()
 * console.info('push p95', requests.durationMs.p95, 'ms; confirmed', ops.confirmed)
 * ```
 */
export function createSyncMetrics(sync: { subscribe(listener: SyncEventListener): () => void }, options: SyncMetricsOptions = {}): SyncMetricsTracker {
  const maxSamples = options.maxSamples ?? 1000
  if (process.env.NODE_ENV !== 'production' && (!Number.isInteger(maxSamples) || maxSamples < 1))
    throw new SyncSetupError(`createSyncMetrics: \`maxSamples\` must be an integer of 1 or more; got ${String(maxSamples)}.`)
  const random = options.random ?? Math.random
  const requestDurations = sampleReservoir(maxSamples, random)
  const confirmTimes = sampleReservoir(maxSamples, random)
  const counts = () => ({
    firstEventAt: null as number | null,
    lastEventAt: null as number | null,
    drains: 0,
    requests: 0,
    transient: 0,
    auth: 0,
    sent: 0,
    confirmed: 0,
    retried: 0,
    failed: 0,
    conflicted: 0,
    pages: 0,
    records: 0,
    breakerOpened: 0,
    storageProblems: 0,
  })
  let count = counts()
  let snapshot: SyncMetrics | null = null

  const unsubscribe = sync.subscribe((event: SyncEvent) => {
    snapshot = null
    count.firstEventAt ??= event.at
    count.lastEventAt = event.at
    switch (event.type) {
      case 'drainFinished':
        count.drains++
        break
      case 'requestFinished':
        count.requests++
        if (event.outcome !== 'answered') count[event.outcome]++
        requestDurations.add(event.durationMs)
        break
      case 'opSent':
        count.sent++
        break
      case 'opConfirmed':
        count.confirmed++
        confirmTimes.add(event.timeToConfirmMs)
        break
      case 'opRetried':
        count.retried++
        break
      case 'opFailed':
        count.failed++
        break
      case 'opConflicted':
        count.conflicted++
        break
      case 'pullPageApplied':
        count.pages++
        count.records += event.records
        break
      case 'breakerOpened':
        count.breakerOpened++
        break
      case 'storageProblem':
        count.storageProblems++
        break
    }
  })

  return {
    selectMetrics() {
      snapshot ??= {
        firstEventAt: count.firstEventAt,
        lastEventAt: count.lastEventAt,
        drains: count.drains,
        requests: { count: count.requests, transient: count.transient, auth: count.auth, durationMs: requestDurations.percentiles() },
        ops: {
          sent: count.sent,
          confirmed: count.confirmed,
          retried: count.retried,
          failed: count.failed,
          conflicted: count.conflicted,
          timeToConfirmMs: confirmTimes.percentiles(),
        },
        pull: { pages: count.pages, records: count.records },
        breakerOpened: count.breakerOpened,
        storageProblems: count.storageProblems,
      }
      return snapshot
    },
    reset() {
      count = counts()
      requestDurations.reset()
      confirmTimes.reset()
      snapshot = null
    },
    stop: unsubscribe,
  }
}
