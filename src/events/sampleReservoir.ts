/** Percentiles of a set of durations, in milliseconds; null while there is no sample. */
export interface Percentiles {
  /** Samples seen since start (all of them, also those the reservoir no longer holds). */
  count: number
  p50: number | null
  p95: number | null
  p99: number | null
  max: number | null
}

/**
 * A uniform sample of every value seen, in bounded memory (reservoir sampling, Vitter's algorithm R): exact
 * while at most `size` values were seen, then each value seen is kept with the same probability. Written
 * by hand: a dozen lines, where a histogram library would be a dependency for every app that measures.
 */
export function sampleReservoir(size: number, random: () => number) {
  let samples: number[] = []
  let seen = 0
  let max: number | null = null
  return {
    add(value: number): void {
      seen++
      if (max === null || value > max) max = value
      if (samples.length < size) samples.push(value)
      else {
        const slot = Math.floor(random() * seen)
        if (slot < size) samples[slot] = value
      }
    },
    /** Nearest-rank percentiles of the sample; `max` is exact. */
    percentiles(): Percentiles {
      const sorted = [...samples].sort((a, b) => a - b)
      const rank = (p: number) => (sorted.length === 0 ? null : sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!)
      return { count: seen, p50: rank(50), p95: rank(95), p99: rank(99), max }
    },
    reset(): void {
      samples = []
      seen = 0
      max = null
    },
  }
}
