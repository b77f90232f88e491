import { createSyncMetrics } from 'rtk-offline'
import { sync } from './store'

const metrics = createSyncMetrics(sync)

/** A health line for a debug screen or a periodic log: counts since start and the slow tail. */
export function syncHealth(): string {
  const { requests, ops } = metrics.selectMetrics()
  return (
    `${ops.confirmed} confirmed, ${ops.failed} failed, ${ops.retried} retries; ` +
    `requests p50 ${requests.durationMs.p50 ?? '-'} ms, p99 ${requests.durationMs.p99 ?? '-'} ms; ` +
    `time to confirm p95 ${ops.timeToConfirmMs.p95 ?? '-'} ms`
  )
}
