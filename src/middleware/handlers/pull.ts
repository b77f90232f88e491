import type { UnknownAction } from '@reduxjs/toolkit'
import type { PullPage } from '../../adapters/types'
import { backoffDelay } from '../../core/backoff'
import { SyncAdapterError, toErrorInfo } from '../../core/errors'
import { withTimeout } from '../../core/withTimeout'
import { networkChanged, pulledPage, pullFailed, pullNow, pullStarted, rehydrated, resume, senderElected } from '../../slices/actions'
import { pulledPageProblem } from '../shared/pulledPageProblem'
import { serialRun } from '../shared/serialRun'
import type { SyncEngine, SyncHandler } from '../syncHandler'
import type { AuthHandler } from './auth'

/** Entities asked for: all, or those named. */
type PullAsk = Set<string> | 'all'

/** The pull handler: what push calls to pull the entities a drain changed on the server. */
export interface PullHandler extends SyncHandler {
  /** Pulls all entities (null) or those named, coalesced with any pull running or asked for meanwhile. */
  request(which: string | readonly string[] | null): Promise<void>
}

/**
 * The pull handler. Pulls at start (after the restore, with persistence), on coming online, when a tab
 * becomes the sender, on `resume`, on `pullNow` (a WebSocket or SSE handler's hook) and every
 * `pullIntervalMs`; one entity at a time, page by page from its stored cursor. A failed pull is tried
 * again after a backoff; a 401 or 403 asks the auth handler for fresh credentials.
 */
export function buildPullHandler(engine: SyncEngine, handlers: { auth: AuthHandler }): PullHandler {
  const { config, api } = engine
  const pulledEntities = [...config.entities].filter(([, entity]) => entity.pull !== false)
  /** Each entity's retry timer, and the periodic pull's. */
  const timers = new Map<string, unknown>()
  const PERIODIC = '\u0000periodic'
  engine.signal.addEventListener(
    'abort',
    () => {
      for (const timer of timers.values()) config.timers.clearTimeout(timer)
      timers.clear()
    },
    { once: true },
  )

  /** Whether a pull may run now: the same gate as sending, in the tab that sends. */
  function mayPull(): boolean {
    const state = engine.outbox()
    return (
      !engine.signal.aborted &&
      !engine.requests.held &&
      state.hydrated &&
      state.online &&
      !state.paused &&
      !state.authRequired &&
      (!engine.store.persistence || engine.store.persistence.isSender())
    )
  }

  /**
   * Pulls one entity page by page from its stored cursor. Each page and its cursor are applied in one
   * action, so a failure never skips data: the next attempt starts after the last applied page.
   */
  async function pullEntity(name: string): Promise<void> {
    const adapter = config.adapter
    const entity = config.entities.get(name)
    if (!adapter.pull || !entity || entity.pull === false || !mayPull()) return
    const { params, limit } = entity.pull
    const timer = timers.get(name)
    if (timer !== undefined) config.timers.clearTimeout(timer)
    timers.delete(name)
    api.dispatch(pullStarted({ entity: name, at: config.now() }))
    // Bounded, so a backend that always says hasMore cannot keep the loop forever.
    for (let page = 0; page < 100_000 && mayPull(); page++) {
      const cursor = engine.outbox().pull[name]?.cursor ?? null
      const outer = engine.requests.signal
      const userId = engine.outbox().userId
      // A page asked for before the engine stopped or another user signed in is not applied.
      const isCurrent = () => !engine.signal.aborted && !outer.aborted && engine.outbox().userId === userId
      let result: PullPage
      try {
        result = await withTimeout((signal) => adapter.pull!({ entity: name, cursor, limit, params, signal }), config.requestTimeoutMs, config.timers, outer)
        if (!isCurrent()) return
        const problem = pulledPageProblem(entity, result)
        if (problem !== null)
          throw new SyncAdapterError(`The adapter's pull of "${name}" returned a malformed page: ${problem}. Nothing of it was applied; it will be asked for again.`)
      } catch (cause) {
        if (!isCurrent()) return
        const info = toErrorInfo(cause)
        // 401/403: credentials are needed, as for a push: pause, ask the app, and go on once it has them.
        if (info.status === 401 || info.status === 403 || info.code === 'auth-required') {
          const now = config.now()
          api.dispatch(pullFailed({ entity: name, error: info, nextAttemptAt: now, at: now, auth: true }))
          if (await handlers.auth.refreshCredentials(info)) continue
          // Without fresh credentials it waits: resume() (or authRestored) pulls again.
          return
        }
        // 410 Gone: the server no longer knows the cursor (its history was reset or pruned). Start over
        // from the beginning, once; the first page has no cursor to be gone.
        if (info.status === 410 && cursor !== null) {
          api.dispatch(pulledPage({ entity: name, changes: [], cursor: null, hasMore: true, at: config.now() }))
          continue
        }
        if (cause instanceof SyncAdapterError) config.onError(cause, { raisedBy: 'adapter' })
        const attempts = (engine.outbox().pull[name]?.attempts ?? 0) + 1
        const wait = backoffDelay(attempts, config.retry, config.random)
        const now = config.now()
        api.dispatch(pullFailed({ entity: name, error: toErrorInfo(cause), nextAttemptAt: now + wait, at: now }))
        timers.set(
          name,
          config.timers.setTimeout(() => api.dispatch(pullNow(name)), wait),
        )
        return
      }
      api.dispatch(pulledPage({ entity: name, changes: result.changes, cursor: result.cursor, hasMore: result.hasMore, at: config.now() }))
      if (!result.hasMore) return
    }
  }

  function schedulePeriodicPull(): void {
    if (config.pullIntervalMs <= 0 || engine.signal.aborted) return
    const periodic = timers.get(PERIODIC)
    if (periodic !== undefined) config.timers.clearTimeout(periodic)
    timers.set(
      PERIODIC,
      config.timers.setTimeout(() => {
        timers.delete(PERIODIC)
        api.dispatch(pullNow())
      }, config.pullIntervalMs),
    )
  }

  // Pulls run one at a time; asks made meanwhile run once after it. After each run the periodic pull is set again.
  const pulls = serialRun<PullAsk>(
    async (ask) => {
      for (const name of ask === 'all' ? pulledEntities.map(([name]) => name) : [...ask]) await pullEntity(name)
    },
    (queued, ask) => (queued === 'all' || ask === 'all' ? 'all' : new Set([...(queued ?? []), ...ask])),
    schedulePeriodicPull,
  )

  async function request(which: string | readonly string[] | null): Promise<void> {
    if (!config.adapter.pull || pulledEntities.length === 0) return
    await pulls.ask(which === null ? 'all' : new Set(typeof which === 'string' ? [which] : which))
  }

  return {
    name: 'pull',
    request,
    listeners: [
      {
        predicate: (action: UnknownAction) =>
          pullNow.match(action) ||
          rehydrated.match(action) ||
          senderElected.match(action) ||
          resume.match(action) ||
          (networkChanged.match(action) && action.payload.online),
        effect: async (action) => {
          await request(pullNow.match(action) ? action.payload.entity : null)
        },
      },
    ],
    start() {
      // Without persistence there is no restore to start from: pull once the store is set up.
      if (!engine.store.persistence && config.adapter.pull && pulledEntities.length > 0)
        queueMicrotask(() => {
          if (!engine.signal.aborted && !engine.store.persistence) api.dispatch(pullNow())
        })
    },
  }
}
