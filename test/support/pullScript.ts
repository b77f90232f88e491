import type { PullPage, PullRequest } from '../../src'

/**
 * A pull a test steers: every call is logged and waits until the test answers it (a page, or a thrown
 * error), or is answered at once with an empty page while `idle` is set (at cursor `c0` when asked
 * from none).
 */
export function createPullScript() {
  const calls: PullRequest[] = []
  const waiting: Array<{ request: PullRequest; resolve: (page: PullPage) => void; reject: (error: unknown) => void }> = []
  let idle = true
  const pull = (request: PullRequest): Promise<PullPage> => {
    calls.push(request)
    // Nothing changed since the cursor; from no cursor, an empty feed (the contract: a pull without a
    // cursor lists every live record, so its page must not claim records the test made are gone).
    if (idle) return Promise.resolve({ changes: [], cursor: request.cursor ?? 'c0', hasMore: false })
    return new Promise<PullPage>((resolve, reject) => waiting.push({ request, resolve, reject }))
  }
  return {
    pull,
    calls,
    /** Answer every pull at once with an empty page (true), or hold each one for the test (false). */
    setIdle(value: boolean) {
      idle = value
    },
    waitingCount: () => waiting.length,
    answer(page: PullPage) {
      const next = waiting.shift()
      if (!next) throw new Error('no pull is waiting')
      next.resolve(page)
    },
    fail(error: unknown) {
      const next = waiting.shift()
      if (!next) throw new Error('no pull is waiting')
      next.reject(error)
    },
  }
}
