/**
 * Where a restore's time goes, as the page sees it (bench/profile/restoreBrowser.ts): IndexedDB requests
 * timed from issue to their success event, JSON.parse calls summed, and the `rehydrated` dispatch, all
 * on `performance.now()` relative to the start of the restore. Installed around one restore and removed
 * after it; the plain workload (bench/workloads/restoreBrowser.ts) never installs it.
 */

/** One timed span, in milliseconds from the restore's start. */
export interface Span {
  name: string
  start: number
  end: number
  /** Values a read gave back, when it is a read. */
  count?: number
}

export interface PhaseTrace {
  spans: Span[]
  /** JSON.parse calls during the restore, their summed time and the characters parsed. */
  parse: { calls: number; ms: number; chars: number }
}

type Patched = { target: object; name: string; original: unknown }

/** Wraps the IndexedDB entry points and JSON.parse; `stop()` puts them back and returns the trace. */
export function tracePhases(start: number): { spans: Span[]; dispatched(name: string, run: () => unknown): unknown; stop(): PhaseTrace } {
  const spans: Span[] = []
  const parse = { calls: 0, ms: 0, chars: 0 }
  const patched: Patched[] = []
  const patch = <T extends object>(target: T, name: string, wrap: (original: (...args: unknown[]) => unknown) => (...args: unknown[]) => unknown) => {
    const original = (target as Record<string, unknown>)[name]
    if (typeof original !== 'function') return
    patched.push({ target, name, original })
    ;(target as Record<string, unknown>)[name] = wrap(original as (...args: unknown[]) => unknown)
  }
  const timeRequest = (name: string) => (original: (...args: unknown[]) => unknown) =>
    function (this: unknown, ...args: unknown[]) {
      const issued = performance.now() - start
      const request = original.apply(this, args) as IDBRequest
      // Added before the caller sets onsuccess: this listener runs first, when the event is dispatched.
      request.addEventListener('success', () => {
        const result = request.result as unknown
        spans.push({ name, start: issued, end: performance.now() - start, ...(Array.isArray(result) ? { count: result.length } : {}) })
      })
      return request
    }
  patch(IDBFactory.prototype, 'open', timeRequest('indexedDB.open'))
  for (const name of ['getAllRecords', 'getAll', 'getAllKeys', 'get', 'openCursor', 'count'])
    patch(IDBObjectStore.prototype, name, timeRequest(`store.${name}`))
  patch(IDBObjectStore.prototype, 'put', timeRequest('store.put'))
  patch(IDBObjectStore.prototype, 'delete', timeRequest('store.delete'))
  patch(JSON, 'parse', (original) =>
    function (this: unknown, ...args: unknown[]) {
      const before = performance.now()
      const value = original.apply(this, args)
      parse.ms += performance.now() - before
      parse.calls += 1
      if (typeof args[0] === 'string') parse.chars += args[0].length
      return value
    },
  )
  return {
    spans,
    dispatched(name, run) {
      const begun = performance.now() - start
      try {
        return run()
      } finally {
        spans.push({ name, start: begun, end: performance.now() - start })
      }
    },
    stop() {
      for (const { target, name, original } of patched.reverse()) (target as Record<string, unknown>)[name] = original
      return { spans, parse }
    },
  }
}
