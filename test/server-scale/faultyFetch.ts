import type { RestFetch } from '../../src/adapters/rest/types'

/** How often each fault strikes a request (push or pull; the live event stream is left alone). */
export interface FaultRates {
  /** The request never reaches the server (a network error before it is sent). */
  dropBefore: number
  /** The server applies the request, then its answer is lost (the lost-response case). */
  dropAfter: number
  /** The request waits up to `maxDelayMs` before it goes. */
  delay: number
  maxDelayMs: number
}

/** Faults injected so far, by kind. */
export interface FaultCounts {
  dropBefore: number
  dropAfter: number
  delay: number
}

/** A fetch that injects faults, and the switch that stops them. */
export interface FaultyFetch {
  fetch: RestFetch
  counts: FaultCounts
  /** While false, requests go through untouched (faults stopped for the final drain). */
  enabled: boolean
}

const lost = (why: string) => new TypeError(`fetch failed (injected fault: ${why})`)

/**
 * Wraps the global fetch with faults drawn from `random` (seeded). Every draw for a request is made
 * when the request starts, so the faults a client meets depend only on the order of its requests, not
 * on when answers come back.
 */
export function createFaultyFetch(random: () => number, rates: FaultRates): FaultyFetch {
  const counts: FaultCounts = { dropBefore: 0, dropAfter: 0, delay: 0 }
  const faulty: FaultyFetch = {
    counts,
    enabled: true,
    async fetch(input, init) {
      if (!faulty.enabled || input.endsWith('/sync/events')) return globalThis.fetch(input, init)
      const [before, delay, wait, after] = [random(), random(), random(), random()]
      if (before < rates.dropBefore) {
        counts.dropBefore++
        throw lost('dropped before the server')
      }
      if (delay < rates.delay) {
        counts.delay++
        await new Promise((resolve) => setTimeout(resolve, wait * rates.maxDelayMs))
      }
      const response = await globalThis.fetch(input, init)
      if (after < rates.dropAfter) {
        // Read the whole answer first, so the server has finished (and committed) before it is lost.
        await response.arrayBuffer()
        counts.dropAfter++
        throw lost('answer lost after the server applied the request')
      }
      return response
    },
  }
  return faulty
}
