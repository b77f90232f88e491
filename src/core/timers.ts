/** The timer functions the engine uses; inject fakes in tests. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

/**
 * Wraps the globals lazily, at call time, so fake timers installed after import still apply (a
 * reference captured at import could not be replaced; TanStack Query's timeoutManager explains this).
 */
export const globalTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
}
