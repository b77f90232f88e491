import { MutationCache, QueryClient, onlineManager } from '@tanstack/query-core'

export interface TanstackQueryOptions {
  /** Where requests go: `PATCH {baseUrl}/todos/{id}`, as for the REST adapter. */
  baseUrl: string
  /**
   * How paused mutations are ordered when resumed:
   * - `one`: every mutation in one `scope`, so they run one after another in the order made (as
   *   redux-offline sends);
   * - `record`: a scope per record, so changes to one record stay in order and records run in
   *   parallel, at most `concurrency` requests at a time.
   */
  scope: 'one' | 'record'
  /** Requests in flight at most (`record` scope); rtk-offline's default `batchSize` is 20. */
  concurrency?: number
}

/**
 * TanStack Query (`@tanstack/query-core` 5) as its docs set up offline mutations: a `QueryClient` with a
 * `MutationCache`, mutations in `networkMode: 'online'` made while `onlineManager` says offline (so each
 * is created paused), then `onlineManager.setOnline(true)` and `queryClient.resumePausedMutations()`.
 * Each mutation is one `PATCH` through `fetch`; its promise rejects on a non-2xx answer.
 *
 * What it does not do, compared with rtk-offline: no merging of changes to one record, no
 * entity view (the server's answer is not written anywhere: an app would `setQueryData` or invalidate),
 * no versions or conflict handling, no retries by default, and no durable outbox unless a persister is
 * added. `scope: 'record'` bounds concurrency with a semaphore in the mutation function, since
 * `resumePausedMutations` starts every unscoped or differently-scoped mutation at once.
 */
export function createTanstackQueryClient(options: TanstackQueryOptions) {
  const mutationCache = new MutationCache()
  const client = new QueryClient({ mutationCache, defaultOptions: { mutations: { networkMode: 'online', retry: false } } })
  const slots = createSemaphore(options.scope === 'one' ? 1 : (options.concurrency ?? 20))
  let failures = 0
  const patch = async ({ id, changes }: { id: string; changes: Record<string, unknown> }) => {
    const release = await slots.acquire()
    try {
      const response = await fetch(`${options.baseUrl}/todos/${encodeURIComponent(id)}`, {
        method: 'PATCH',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(changes),
      })
      const body: unknown = await response.json()
      if (!response.ok) throw new Error(`PATCH ${id}: ${response.status}`)
      return body
    } finally {
      release()
    }
  }
  const settled: Promise<unknown>[] = []
  return {
    client,
    /** Goes offline (the global `onlineManager`): mutations made now are paused. */
    goOffline: () => onlineManager.setOnline(false),
    /** Makes one paused mutation (call while offline). */
    update(id: string, changes: Record<string, unknown>) {
      const mutation = mutationCache.build(client, {
        mutationKey: ['todos', 'update'],
        mutationFn: patch,
        scope: { id: options.scope === 'one' ? 'todos' : `todos/${id}` },
      })
      settled.push(
        mutation.execute({ id, changes }).catch(() => {
          failures += 1
        }),
      )
    },
    paused: () => mutationCache.getAll().filter((mutation) => mutation.state.isPaused).length,
    /** Goes online and resumes the paused mutations; resolves once every mutation has settled. */
    async drain(): Promise<{ failures: number }> {
      onlineManager.setOnline(true)
      await client.resumePausedMutations()
      await Promise.all(settled)
      return { failures }
    },
    dispose: () => client.clear(),
  }
}

function createSemaphore(size: number) {
  let free = size
  const waiting: (() => void)[] = []
  const release = () => {
    const next = waiting.shift()
    if (next) next()
    else free += 1
  }
  return {
    acquire(): Promise<() => void> {
      if (free > 0) {
        free -= 1
        return Promise.resolve(release)
      }
      return new Promise((resolve) => waiting.push(() => resolve(release)))
    },
  }
}
