import type { UnknownAction } from '@reduxjs/toolkit'
import type { PullPage, PullRequest } from '../../adapters/types'
import { backoffDelay } from '../../core/backoff'
import { SyncAdapterError, toErrorInfo } from '../../core/errors'
import { withTimeout } from '../../core/withTimeout'
import {
  networkChanged,
  opsSettled,
  pulledPage,
  pullFailed,
  pullNow,
  pullStarted,
  pullStartedOver,
  rehydrated,
  resume,
  retryDue,
  senderElected,
} from '../../slices/actions'
import { conflictOf } from '../shared/conflictSettlement'
import { dependentsOf } from '../shared/pendingRecords'
import { settlePulledAnswers, unansweredOf } from '../shared/pulledAnswers'
import { pulledPageProblem } from '../shared/pulledPageProblem'
import { holdsConfirmed, renewedByResync, startResync, sweptByResync, type Resync } from '../shared/resyncSweep'
import { serialRun } from '../shared/serialRun'
import { isRemoteAction } from '../../slices/remoteAction'
import type { SyncEngine, SyncHandler } from '../syncHandler'
import type { Settlement } from '../../slices/actions'
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
 * becomes the sender, on `resume`, on `pullNow` (a WebSocket or SSE handler's hook), on the adapter's
 * pokes (`subscribe`) and every `pullIntervalMs`; one entity at a time, page by page from its stored
 * cursor. A failed pull is tried again after a backoff; a 401 or 403 asks the auth handler for fresh
 * credentials. Each pull also asks about the entity's operations whose answer may have been lost and
 * settles those the backend answers (confirmation by pull, see shared/pulledAnswers.ts).
 */
export function buildPullHandler(engine: SyncEngine, handlers: { auth: AuthHandler }): PullHandler {
  const { config, api } = engine
  const pulledEntities = [...config.entities].filter(([, entity]) => entity.pull !== false)
  /** Each entity's retry timer, and the periodic pull's. */
  const timers = new Map<string, unknown>()
  const PERIODIC = '\u0000periodic'
  const settleContext = {
    retry: config.retry,
    random: config.random,
    dependentsOf: dependentsOf.bind(null, engine),
    adjust: config.serverIds ? (results: Settlement[]) => config.serverIds!.settle(results, api.getState()) : undefined,
    conflictOf: conflictOf.bind(null, engine),
  }
  /** The live subscription (`adapter.subscribe`) while one is open. */
  let live: AbortController | null = null
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
    /** Operations this pull asked about already (each page asks about the next ones). */
    const asked = new Set<string>()
    /** Set once the pull starts over after a 410: what it must find again (see resyncSweep.ts). */
    let resync: Resync | null = null
    // Bounded, so a backend that always says hasMore cannot keep the loop forever.
    for (let page = 0; page < 100_000 && mayPull(); page++) {
      const progress = engine.outbox().pull[name]
      // A start-over this run did not begin (a 410 before a reload, a run cut short) begins again from
      // the start of the feed: which records the cut-short one brought is not known.
      if (progress?.resyncing && resync === null) resync = startResync(engine, name)
      // A pull from no cursor onto records this client already holds confirmed (restored without their
      // cursor, loaded by the app, rendered on the server) reads the whole feed, which holds no tombstones:
      // it is a start-over too, or a record deleted on the server meanwhile stays here for good.
      else if (page === 0 && resync === null && progress?.cursor == null && holdsConfirmed(engine, name)) resync = startResync(engine, name)
      const cursor = resync !== null && resync.pages === 0 ? null : (progress?.cursor ?? null)
      const outer = engine.requests.signal
      const userId = engine.outbox().userId
      // A page asked for before the engine stopped or another user signed in is not applied.
      const isCurrent = () => !engine.signal.aborted && !outer.aborted && engine.outbox().userId === userId
      // Confirmation by pull: the operations whose answer may have been lost; left out when there are none.
      const unanswered = unansweredOf(engine.outbox(), name, asked)
      const request: Omit<PullRequest, 'signal'> = { entity: name, cursor, limit, params }
      if (unanswered.length > 0) request.unanswered = unanswered
      // The drain holds them while the backend is asked (not sent again meanwhile) and looks again after.
      for (const id of unanswered) engine.asking.add(id)
      try {
        let result: PullPage
        try {
          result = await withTimeout((signal) => adapter.pull!({ ...request, signal }), config.requestTimeoutMs, config.timers, outer)
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
            resync = startResync(engine, name)
            api.dispatch(pullStartedOver({ entity: name }))
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
        // The last page of a start-over ends it (the sweep below goes in the same turn).
        const resyncing = resync ? result.hasMore : undefined
        const renewed = resync ? renewedByResync(engine, name, resync, result.changes) : []
        api.dispatch(
          pulledPage({ entity: name, changes: result.changes, cursor: result.cursor, hasMore: result.hasMore, at: config.now(), resyncing, ...(renewed.length > 0 ? { renewed } : {}) }),
        )
        if (resync) {
          resync.pages += 1
          for (const change of result.changes) resync.seen.add(String(change.id))
        }
        if (unanswered.length > 0) {
          for (const id of unanswered) asked.add(id)
          if (!(await settleAnswers(name, unanswered, result.answered, resync))) return
        }
        if (!result.hasMore) {
          // The restarted pull reached the end of the feed: what it never brought was deleted meanwhile.
          const swept = resync && isCurrent() ? sweptByResync(engine, name, resync) : []
          if (swept.length > 0) {
            const changes = swept.map((id) => ({ id, record: null }))
            api.dispatch(pulledPage({ entity: name, changes, cursor: result.cursor, hasMore: false, at: config.now() }))
          }
          return
        }
      } finally {
        if (unanswered.length > 0) {
          for (const id of unanswered) engine.asking.delete(id)
          // Held, or settled: a confirmation lets the record's next change go, a conflict may have
          // re-queued the change, a retry set its time. The drain looks again.
          if (!engine.signal.aborted) api.dispatch(retryDue())
        }
      }
    }
  }

  /**
   * Settles what a page answered about operations it was asked about, after the page is applied
   * (Durability invariant 3: an answer older than the pulled record confirms its operation and leaves
   * the newer record; invariant 4: only operations asked about, still waiting for a lost answer; see
   * settlePulledAnswers). False when pulling must stop: credentials are needed and the app has none.
   */
  async function settleAnswers(name: string, unanswered: readonly string[], answered: unknown, resync: Resync | null): Promise<boolean> {
    // Another tab sends now (the election moved while the page was on its way): it settles these
    // operations by its own answers and pulls. Two tabs settling one operation could each requeue it
    // under another id after a conflict; one settling keeps the tabs agreeing.
    if (engine.store.persistence && !engine.store.persistence.isSender()) return true
    const results = settlePulledAnswers(engine, name, unanswered, answered, { now: config.now(), ...settleContext })
    if (results.length === 0) return true
    // A start-over's sweep spares records confirmed meanwhile (known to the server); a stored answer is
    // no such proof: it shows the record as it was when first applied, maybe deleted since (see Resync).
    if (resync) for (const result of results) if (result.type === 'confirmed') resync.unproven.add(String(result.recordId))
    // Synced only when the backend's answer settles something (a retry or auth answer settles nothing).
    const settled = results.some((result) => result.type === 'confirmed' || result.type === 'conflict' || result.type === 'failed')
    api.dispatch(opsSettled({ at: config.now(), verdict: settled ? 'pulled' : 'local', results }))
    const auth = results.find((result) => result.type === 'auth')
    return auth ? handlers.auth.refreshCredentials(auth.type === 'auth' ? auth.error : null) : true
  }

  /**
   * Live pokes: opens the adapter's subscription (`subscribe`) when a pull may run, once, in the tab that
   * sends. It ends with the requests' signal: when the engine stops, and when another user signs in (the
   * old user's stream stops before the new user's credentials are handed out); the first pull after that
   * (the new user's restore, a tab becoming the sender) opens it again, under the new user.
   */
  function listen(): void {
    const { subscribe } = config.adapter
    if (!subscribe || live !== null || !mayPull()) return
    const requests = engine.requests.signal
    const controller = new AbortController()
    live = controller
    const end = () => {
      controller.abort()
      if (live === controller) live = null
    }
    requests.addEventListener('abort', end, { once: true })
    const onChange = (entity?: string) => {
      if (controller.signal.aborted) return
      // A tab that no longer sends stops listening: the sender pulls for every tab.
      if (engine.store.persistence && !engine.store.persistence.isSender()) {
        requests.removeEventListener('abort', end)
        end()
        return
      }
      const known = typeof entity === 'string' ? config.entities.get(entity) : undefined
      // An entity that is never pulled has nothing to fetch; a name we do not know (or none) pulls all.
      if (known && known.pull === false) return
      request(known ? entity! : null).catch((error: unknown) => config.onError(error, { raisedBy: 'drain' }))
    }
    try {
      subscribe.call(config.adapter, onChange, { signal: controller.signal })
    } catch (error) {
      // The contract says it must not throw; if it does, pulls still come on the other triggers.
      config.onError(error, { raisedBy: 'adapter' })
    }
  }

  function schedulePeriodicPull(): void {
    if (config.pullIntervalMs <= 0 || engine.signal.aborted) return
    const periodic = timers.get(PERIODIC)
    if (periodic !== undefined) config.timers.clearTimeout(periodic)
    const handle = config.timers.setTimeout(() => {
      timers.delete(PERIODIC)
      api.dispatch(pullNow())
    }, config.pullIntervalMs)
    // An idle pull is no work of the app's: in Node it must not keep the process alive, so a script
    // ends once its changes are sent (retries and the breaker's wait keep theirs: they hold unsent work).
    ;(handle as { unref?: () => unknown } | null)?.unref?.()
    timers.set(PERIODIC, handle)
  }

  // Pulls run one at a time; asks made meanwhile run once after it. After each run the periodic pull is set again.
  const pulls = serialRun<PullAsk>(
    async (ask) => {
      listen()
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
        // Durability invariant 3 (confirmed state never moves backwards), for a create's answer that may be
        // the server's stored one given again: it shows the record as it was when first applied. A pull
        // since may have brought the record's deletion under an id this client could not match yet (the
        // server assigns ids), or before a crash took the note of it (`gone` is kept in memory): nothing
        // left here says the record is gone, and the cursor is past its tombstone. So the entity's feed is
        // read again from the start, and what it no longer lists goes (the start-over's sweep).
        predicate: (action: UnknownAction) =>
          opsSettled.match(action) && !isRemoteAction(action) && config.adapter.pull !== undefined && action.payload.results.some((result) => result.type === 'confirmed' && result.replayed),
        effect: async (action) => {
          if (!opsSettled.match(action)) return
          const names = new Set<string>()
          for (const result of action.payload.results)
            if (result.type === 'confirmed' && result.replayed && pulledEntities.some(([name]) => name === result.entity)) names.add(result.entity)
          for (const name of names) if (!engine.outbox().pull[name]?.resyncing) api.dispatch(pullStartedOver({ entity: name }))
          if (names.size > 0) await request([...names])
        },
      },
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
