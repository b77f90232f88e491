/** One turn of the event loop: pending promise callbacks (listener effects, fetch callbacks) run before it resolves. */
export function nextMacrotask(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

/** Garbage collection when node runs with --expose-gc; nothing otherwise. */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc) {
    gc()
    gc()
  }
}

/**
 * Waits until `done()` is true, checking after every store change and at least every 50 ms, for at most
 * `timeoutMs`. Resolves to whether it became true in time.
 */
export function waitUntil(
  subscribe: (listener: () => void) => () => void,
  done: () => boolean,
  timeoutMs: number,
): Promise<boolean> {
  if (done()) return Promise.resolve(true)
  return new Promise((resolve) => {
    const finish = (result: boolean) => {
      unsubscribe()
      clearInterval(poll)
      clearTimeout(deadline)
      resolve(result)
    }
    const check = () => {
      if (done()) finish(true)
    }
    const unsubscribe = subscribe(check)
    const poll = setInterval(check, 50)
    const deadline = setTimeout(() => finish(done()), timeoutMs)
  })
}
