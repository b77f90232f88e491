/**
 * A LockManager that behaves like the Web Locks API for exclusive locks: a request's callback runs when
 * the lock is granted, and the lock is held until the promise the callback returns settles; waiting
 * requests are granted in order; with `ifAvailable`, a held lock is not waited for (the callback gets null).
 */
export function createFakeLocks(): LockManager {
  const queues = new Map<string, Array<() => void>>()
  const held = new Set<string>()
  const grantNext = (name: string) => {
    const next = queues.get(name)?.shift()
    if (next) next()
    else held.delete(name)
  }
  const request = (name: string, ...rest: unknown[]): Promise<unknown> => {
    const callback = rest[rest.length - 1] as (lock: Lock | null) => unknown
    const options = (rest.length > 1 ? rest[0] : {}) as LockOptions
    // ifAvailable: granted only if free now; otherwise the callback runs at once with null.
    if (options.ifAvailable && held.has(name)) return Promise.resolve().then(() => callback(null))
    return new Promise((resolve, reject) => {
      const run = () => {
        held.add(name)
        Promise.resolve()
          .then(() => callback({ name, mode: 'exclusive' } as Lock))
          .then(resolve, reject)
          .finally(() => grantNext(name))
      }
      if (held.has(name)) {
        const queue = queues.get(name) ?? []
        queue.push(run)
        queues.set(name, queue)
      } else run()
    })
  }
  const query = async () => ({ held: [...held].map((name) => ({ name, mode: 'exclusive' })), pending: [] })
  return { request, query } as unknown as LockManager
}

/**
 * One page's view of a shared LockManager whose locks all go at once when the page dies (`crash()`), as a
 * browser releases the locks of a tab that crashed or closed, whatever the page's code was still waiting for.
 */
export function pageLocks(shared: LockManager): { locks: LockManager; crash(): void } {
  let die: () => void = () => {}
  const dead = new Promise<void>((resolve) => (die = resolve))
  const locks = {
    request(name: string, ...rest: unknown[]) {
      const callback = rest[rest.length - 1] as (lock: Lock | null) => unknown
      const options = rest.length > 1 ? rest[0] : {}
      return (shared.request as (name: string, options: unknown, callback: (lock: Lock | null) => unknown) => Promise<unknown>)(name, options, (lock) =>
        lock === null ? callback(null) : Promise.race([Promise.resolve(callback(lock)), dead]),
      )
    },
    query: () => shared.query(),
  } as unknown as LockManager
  return { locks, crash: () => die() }
}
