import type { OfflineSync } from 'rtk-offline'

// The few parts of @opentelemetry/api this recipe uses, typed by their shape: pass
// `trace.getTracer('my-app')` and `metrics.getMeter('my-app')` from @opentelemetry/api as they are.
interface Span {
  setAttributes(attributes: Record<string, string | number | boolean>): unknown
  end(endTime?: number): void
}
interface Tracer {
  startSpan(name: string, options?: { startTime?: number; attributes?: Record<string, string | number | boolean> }): Span
}
interface Counter {
  add(value: number, attributes?: Record<string, string>): void
}
interface Histogram {
  record(value: number, attributes?: Record<string, string>): void
}
interface Meter {
  createCounter(name: string, options?: { description?: string; unit?: string }): Counter
  createHistogram(name: string, options?: { description?: string; unit?: string }): Histogram
}

/**
 * Reports sync to OpenTelemetry: a span per drain (from its first request to its end, with its counts),
 * a counter of operations by outcome, and histograms of request durations and times to confirm.
 */
export function traceSync(sync: Pick<OfflineSync<string>, 'subscribe'>, tracer: Tracer, meter: Meter): () => void {
  const ops = meter.createCounter('sync.operations', { description: 'Operations settled, by outcome' })
  const requestDuration = meter.createHistogram('sync.request.duration', { unit: 'ms' })
  const timeToConfirm = meter.createHistogram('sync.operation.time_to_confirm', { unit: 'ms' })
  let drain: Span | null = null
  return sync.subscribe((event) => {
    switch (event.type) {
      case 'drainStarted':
        drain = tracer.startSpan('sync.drain', { startTime: event.at })
        break
      case 'drainFinished':
        drain?.setAttributes({ 'sync.ops': event.ops, 'sync.requests': event.requests })
        drain?.end(event.at)
        drain = null
        break
      case 'requestFinished':
        requestDuration.record(event.durationMs, { outcome: event.outcome })
        break
      case 'opConfirmed':
        ops.add(1, { outcome: 'confirmed', entity: event.op.entity })
        timeToConfirm.record(event.timeToConfirmMs, { entity: event.op.entity })
        break
      case 'opRetried':
        ops.add(1, { outcome: 'retried', entity: event.op.entity })
        break
      case 'opFailed':
        ops.add(1, { outcome: 'failed', entity: event.op.entity })
        break
      case 'opConflicted':
        ops.add(1, { outcome: 'conflicted', entity: event.op.entity })
        break
    }
  })
}
