/** Small statistics and formatting helpers for the benchmark tables. */

/** The median of the samples (the mean of the middle two for an even count). */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) return Number.NaN
  const sorted = [...samples].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/** `12.3 ms`, `1.24 s`: milliseconds in a unit people read at a glance. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—'
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`
  if (ms >= 100) return `${ms.toFixed(0)} ms`
  if (ms >= 10) return `${ms.toFixed(1)} ms`
  return `${ms.toFixed(2)} ms`
}

/** Microseconds with three significant digits: `2.41 µs`, `38.5 µs`, `412 µs`. */
export function formatUs(us: number): string {
  if (!Number.isFinite(us)) return '—'
  if (us >= 100) return `${us.toFixed(0)} µs`
  if (us >= 10) return `${us.toFixed(1)} µs`
  return `${us.toFixed(2)} µs`
}

/** `1.37×`, `0.08×`. */
export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return '—'
  if (ratio >= 100) return `${ratio.toFixed(0)}×`
  if (ratio >= 10) return `${ratio.toFixed(1)}×`
  return `${ratio.toFixed(2)}×`
}

/** Binary units: 1 KiB = 1,024 B, 1 MiB = 1,024 KiB. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '—'
  const sign = bytes < 0 ? '−' : ''
  const size = Math.abs(bytes)
  if (size >= 1024 * 1024) return `${sign}${(size / 1024 / 1024).toFixed(2)} MiB`
  if (size >= 1024) return `${sign}${(size / 1024).toFixed(1)} KiB`
  return `${sign}${size.toFixed(0)} B`
}

/** `10,000`. */
export function formatCount(count: number): string {
  return count.toLocaleString('en-US')
}
