import 'fake-indexeddb/auto'
import localforage from 'localforage'
import type { BaseStorage } from '../../chaos/crashableStorage'
import { createFakeBroadcastChannel } from '../../chaos/fakeBroadcastChannel'
import { createClock, type Clock, type Work } from '../../query/chaos/clock'
import { createFakeLocks } from '../../support/fakeLocks'
import { OLD_KEY, openChaosPage, todoAction, type ChaosPage, type Kind } from './chaosPage'
import type { Scenario, Step } from './scenario'
import type { TodoServer } from './todoServer'

/** The clock and requests of the scenario running now (the server's handlers read them). */
export interface Env {
  clock: Clock
  works: Map<string, Work>
}

/** An action the app dispatched (or the old outbox held): its token, its place in the device's queue order, where it was made. */
interface Made {
  token: string
  kind: Kind
  id: string
  /** The order it was dispatched in, on the device (the old outbox's actions first). */
  order: number
  /** The page load it was dispatched in (0: the old redux-offline outbox). */
  generation: number
  /**
   * The actions it must follow: those its page had dispatched or queued when it was dispatched, and every
   * action dispatched before the last rest (when all tabs have heard of it). Two tabs dispatching in one
   * tick are concurrent: neither has heard of the other's action, and no order between them is promised.
   */
  after: ReadonlySet<string>
}

export interface ScenarioResult {
  /** Broken properties, one line each. */
  findings: string[]
  /** Worth knowing, not failures (errors the pages reported, commits repeated after a crash). */
  notes: string[]
  stats: {
    actions: number
    applied: number
    refused: number
    forgiven: number
    imported: number
    crashes: number
    reloads: number
    resettled: number
    failed: number
    dropped: number
    slowed: number
  }
  /** What happened, step by step, for a failure's report. */
  trace: string[]
}

/** Every token an op record (or any stored value) names. */
const tokensIn = (value: string) => [...value.matchAll(/"token":"((?:no-)?[a-z]\d+)"/g)].map((match) => match[1]!)

let runs = 0

export interface RunOptions {
  /**
   * An action dispatched in a page before its restore is done: 'at-once' (the default) dispatches it at
   * once, as a user may; 'wait' lets it wait for the page's restore and a settle. (A page that loads in the
   * place of a crashed tab and queues at once used to reuse a seq of the crashed tab's unstored operations:
   * fixed in src/persist, see regressions.test.ts.)
   * @default 'at-once'
   */
  beforeRestore?: 'wait' | 'at-once'
}

/**
 * Runs one scenario: the old outbox (if any) is written, the pages load on one storage (importing it), the
 * steps run (each followed by a settle of the event loop and the checks at rest), then everything heals
 * (online, no faults) and the clock moves on until nothing is queued. Then the properties are checked
 * against the server's logs and what each page's reducers received.
 */
export async function runScenario(scenario: Scenario, server: TodoServer, env: Env, options: RunOptions = {}): Promise<ScenarioResult> {
  env.clock = createClock()
  env.works = new Map()
  const { clock } = env
  server.reset()
  for (let i = 0; i < scenario.existing; i++) server.todos.push({ id: `e${i}`, title: `existing ${i}` })

  // The device's IndexedDB; every op record that landed is remembered (what a crash cannot have lost).
  const instance = localforage.createInstance({ name: `redux-offline-chaos-${process.pid}-${++runs}` })
  const landed = new Set<string>()
  const base: BaseStorage = {
    getItem: (key) => instance.getItem<string>(key),
    setItem: async (key, value) => {
      await instance.setItem(key, value)
      if (key.includes('/op/') && typeof value === 'string') for (const token of tokensIn(value)) landed.add(token)
    },
    removeItem: (key) => instance.removeItem(key),
    keys: () => instance.keys(),
    iterate: (visit) => instance.iterate(visit),
  }
  const made: Made[] = []
  const ids = Array.from({ length: scenario.existing }, (_, i) => `e${i}`)
  if (scenario.old > 0) {
    // What redux-offline 2.x with redux-persist 4 left: its outbox of creates, under its key.
    const outbox = Array.from({ length: scenario.old }, (_, i) => {
      const token = `o${i + 1}`
      made.push({ token, kind: 'create', id: token, order: made.length, generation: 0, after: new Set(made.map((each) => each.token)) })
      ids.push(token)
      landed.add(token)
      const action = todoAction('create', token, token)
      return { ...action, meta: { ...action.meta, transaction: i + 1 } }
    })
    await instance.setItem(OLD_KEY, JSON.stringify({ busy: false, lastTransaction: scenario.old, online: false, outbox, retryCount: 0, retryScheduled: false }))
  }
  const broadcastChannel = globalThis.BroadcastChannel
  globalThis.BroadcastChannel = createFakeBroadcastChannel(clock)
  const locks = createFakeLocks()
  const trace: string[] = []
  const notes: string[] = []
  const findings: string[] = []
  const forgiven = new Set<string>()
  let generation = 0
  let online = scenario.online
  let created = 0
  let tokens = 0
  let crashes = 0
  let reloads = 0
  /** Every page loaded, with the tab (slot) it is and how it ended. */
  const all: Array<{ page: ChaosPage; slot: number; fate: 'live' | 'crashed' | 'closed'; crashesBefore?: number; storedAfter?: ReadonlySet<string> }> = []
  /** The tokens of the operation records storage holds now. */
  const storedOps = async () => {
    const stored = new Set<string>()
    await instance.iterate<unknown, void>((value, key) => {
      if (key.includes('/op/') && typeof value === 'string') for (const token of tokensIn(value)) stored.add(token)
    })
    return stored
  }

  const open = (slot: number) => {
    const page = openChaosPage({ clock, base, works: env.works, generation: ++generation, online, tabs: scenario.pages > 1, locks, importOld: scenario.old > 0, rehydrateAfter: scenario.rehydrateAfter })
    all.push({ page, slot, fate: 'live' })
    void page.persistor.ready.then(
      () => restored.add(page.generation),
      () => {},
    )
    return page
  }
  const pages: ChaosPage[] = []
  /** Pages that have been through a rest: restored, and (with tabs) answered by the other tab. */
  const rested = new Set<ChaosPage>()
  /** Loads whose restore is done: a tab posts its changes to the others only then. */
  const restored = new Set<number>()
  /**
   * Actions every tab has heard of: made before the last rest in a load whose restore was done by then (a
   * restore may wait for the other tabs' counters longer than a rest, and a change made before it is
   * posted only after it).
   */
  const heard = new Set<string>()
  const entryOf = (page: ChaosPage) => all.find((entry) => entry.page === page)!
  try {
    for (let i = 0; i < scenario.pages; i++) pages.push(open(i))
    if (scenario.startCrash !== null) {
      for (let turn = 0; turn < scenario.startCrash; turn++) await new Promise<void>((resolve) => setImmediate(resolve))
      crashes += 1
      pages[0]!.crash()
      await clock.settle()
      Object.assign(entryOf(pages[0]!), { fate: 'crashed', storedAfter: await storedOps() })
      pages[0] = open(0)
      trace.push(`g1 crashed ${scenario.startCrash} turns after loading; g${pages[0].generation} loads`)
    }
    await clock.settle()
    for (const page of pages) rested.add(page)

    const dispatch = async (page: ChaosPage, kind: Kind, id: string, refuse: boolean) => {
      if (options.beforeRestore === 'wait' && !rested.has(page)) {
        trace.push(`g${page.generation} waits for its restore and the other tab's answer`)
        await page.persistor.ready.catch(() => {})
        await clock.settle()
        rested.add(page)
      }
      const token = `${refuse ? 'no-' : ''}t${++tokens}`
      const queued = page.outbox().map((action) => String((action.payload as { token?: string } | undefined)?.token))
      const after = made.filter((each) => heard.has(each.token) || each.generation === page.generation).map((each) => each.token)
      made.push({ token, kind, id, order: made.length, generation: page.generation, after: new Set([...after, ...queued]) })
      trace.push(`g${page.generation} ${kind} ${id} ${token}`)
      page.seen.add(token)
      page.store.dispatch(todoAction(kind, id, token))
    }

    const run = async (step: Step) => {
      const page = pages[('page' in step ? step.page : 0) % pages.length]!
      switch (step.t) {
        case 'create': {
          const id = `n${++created}`
          ids.push(id)
          await dispatch(page, 'create', id, step.refuse)
          break
        }
        case 'update':
        case 'delete':
          if (ids.length > 0) await dispatch(page, step.t, ids[step.pick % ids.length]!, step.refuse)
          break
        case 'online':
          online = step.online
          trace.push(online ? 'online' : 'offline')
          for (const each of pages) each.network.setOnline(online)
          break
        case 'fault':
          trace.push(`fault ${JSON.stringify(step.fault)}`)
          server.faults.push(step.fault)
          break
        case 'advance':
          trace.push(`advance ${step.ms}`)
          await clock.advance(step.ms)
          break
        case 'reload': {
          const index = pages.indexOf(page)
          for (let turn = 0; turn < (step.turns ?? 0); turn++) await new Promise<void>((resolve) => setImmediate(resolve))
          if (step.flush) {
            reloads += 1
            await page.close()
            Object.assign(entryOf(page), { fate: 'closed', crashesBefore: crashes })
          } else {
            crashes += 1
            page.crash()
          }
          await clock.settle()
          if (!step.flush) Object.assign(entryOf(page), { fate: 'crashed', storedAfter: await storedOps() })
          // A crash forgives the actions whose record never reached storage (the page died before it was durable).
          const lost = made.filter((action) => action.generation === page.generation && !landed.has(action.token)).map((action) => action.token)
          for (const each of lost) forgiven.add(each)
          pages[index] = open(index)
          trace.push(
            `g${page.generation} ${step.flush ? 'closed after a flush' : `crashed${step.turns === undefined ? '' : ` ${step.turns} turns on`}`}${lost.length ? ` (never stored: ${lost.join(' ')})` : ''}; g${pages[index]!.generation} loads`,
          )
          break
        }
      }
    }

    const seenFindings = new Set<string>()
    const find = (finding: string) => {
      if (seenFindings.has(finding)) return
      seenFindings.add(finding)
      findings.push(finding)
    }
    /** Property 3 at every rest: no page's reducers got two settlements of one action. */
    const checkAtRest = (when: string) => {
      for (const page of pages) rested.add(page)
      for (const page of pages) for (const action of page.outbox()) page.seen.add(String((action.payload as { token?: string } | undefined)?.token))
      for (const page of pages)
        for (const token of page.early()) find(`holdUntil (${when}): g${page.generation}'s reducers got the commit or rollback of ${token} before its state was restored`)
      for (const page of pages)
        for (const [token, settled] of Object.entries(page.settled()))
          if (settled.commits + settled.rollbacks > 1)
            find(`settled once (${when}): g${page.generation}'s reducers got ${settled.commits} commit(s) and ${settled.rollbacks} rollback(s) of ${token}`)
    }

    for (const [index, step] of scenario.steps.entries()) {
      await run(step)
      const next = scenario.steps[index + 1]
      if ((next?.t === 'reload' && next.turns !== undefined) || (next && 'together' in next && next.together)) continue
      await clock.settle()
      for (const each of made) if (restored.has(each.generation) || each.generation === 0) heard.add(each.token)
      checkAtRest(`at rest, step ${index + 1}`)
    }

    // Heal: online, no faults; the clock moves on until no page has work waiting.
    trace.push('heal')
    server.faults.length = 0
    for (const page of pages) page.network.setOnline(true)
    await clock.settle()
    const busy = () => pages.some((page) => page.pending() > 0 || page.outbox().length > 0)
    for (let round = 0; round < 300 && busy(); round++) {
      const next = clock.nextAt()
      await clock.advance(next === undefined ? 1_000 : Math.max(1, next - clock.now()))
    }
    for (let i = 0; i < 3; i++) await clock.advance(5_000)
    checkAtRest('at the end')

    // The checks.
    const refused = server.refusedTokens()
    const byToken = new Map<string, number>()
    const byKey = new Map<string, number>()
    for (const application of server.applications) {
      byToken.set(application.token, (byToken.get(application.token) ?? 0) + 1)
      if (application.key === null) find(`exactly-once: ${application.what} ${application.token} applied without an Idempotency-Key`)
      else byKey.set(application.key, (byKey.get(application.key) ?? 0) + 1)
    }
    // (1) exactly-once
    for (const [key, count] of byKey) if (count > 1) find(`exactly-once: key ${key} applied ${count} times`)
    const tokenOrder = new Map(made.map((action) => [action.token, action]))
    for (const [token, count] of byToken) {
      if (!tokenOrder.has(token)) find(`exactly-once: ${token} applied but never dispatched`)
      if (count > 1) find(`exactly-once: ${token} applied ${count} times`)
      if (token.startsWith('no-')) find(`exactly-once: ${token} was to be refused but was applied`)
    }
    // (2) nothing lost, and (3) each settled by what the server said, in the reducers of some page.
    const commits = new Map<string, number>()
    const rollbacks = new Map<string, number>()
    for (const { page } of all)
      for (const [token, settled] of Object.entries(page.settled())) {
        commits.set(token, (commits.get(token) ?? 0) + settled.commits)
        rollbacks.set(token, (rollbacks.get(token) ?? 0) + settled.rollbacks)
      }
    for (const action of made) {
      const applied = byToken.get(action.token) ?? 0
      const what = `${action.kind} ${action.id} ${action.token}`
      if (applied > 0 && (rollbacks.get(action.token) ?? 0) > 0) find(`settlement: ${what} was applied by the server, yet rolled back`)
      if (refused.has(action.token) && (commits.get(action.token) ?? 0) > 0) find(`settlement: ${what} was refused by the server, yet committed`)
      if (forgiven.has(action.token)) continue
      if (applied > 0) {
        if ((commits.get(action.token) ?? 0) === 0) find(`settlement: ${what} was applied by the server, and no page's reducers got its commit`)
      } else if (refused.has(action.token)) {
        if ((rollbacks.get(action.token) ?? 0) === 0) find(`nothing lost: ${what} was refused, and no page's reducers got its rollback`)
      } else find(`nothing lost: ${what} (g${action.generation}) never reached the server`)
    }
    // (3) across reloads: a page that closed after a flush stored its settlements; its next load settles none
    // again, unless a page crashed since: with tabs, the sender stores settlements (and deletes their
    // operations), and its crash may have lost one the closed page had received.
    let resettled = 0
    for (const [at, earlier] of all.entries())
      for (const later of all.slice(at + 1)) {
        if (later.slot !== earlier.slot || earlier.fate === 'live') continue
        for (const [token, settled] of Object.entries(later.page.settled())) {
          const before = earlier.page.settled()[token]
          if (!before || settled.commits + settled.rollbacks === 0) continue
          if (earlier.fate === 'closed' && earlier.crashesBefore === crashes) find(`settled once: ${token} was settled in g${earlier.page.generation}, closed after a flush, and again in g${later.page.generation}`)
          // A crash excuses it only if the settlement was not stored: the operation's record still there.
          else if (earlier.fate === 'crashed' && !earlier.storedAfter?.has(token))
            find(`settled once: ${token} was settled in g${earlier.page.generation}, which crashed with its operation no longer stored, and again in g${later.page.generation}`)
          else {
            resettled += 1
            notes.push(
              earlier.fate === 'crashed'
                ? `${token} settled in g${earlier.page.generation}, which crashed before storing it, and again in g${later.page.generation}`
                : `${token} settled in g${earlier.page.generation}, closed after a flush, and again in g${later.page.generation} after the sending tab crashed`,
            )
          }
        }
      }
    // Every live page settled each action it had queued, once, by the server's verdict.
    for (const page of pages)
      for (const token of page.seen) {
        const settled = page.settled()[token] ?? { commits: 0, rollbacks: 0 }
        if (settled.commits + settled.rollbacks !== 1)
          find(`settled once: g${page.generation} had ${token} queued, and its reducers got ${settled.commits} commit(s) and ${settled.rollbacks} rollback(s)`)
      }
    // (4) order: effects reach the server in the order their actions were dispatched, and apply in that order.
    const inOrder = (list: readonly string[], what: string) => {
      for (const [at, token] of list.entries())
        for (const later of list.slice(at + 1))
          if (tokenOrder.get(token)?.after.has(later)) find(`order: ${token} ${what} before ${later}, dispatched before it`)
    }
    inOrder(server.arrivals, 'first reached the server')
    inOrder(
      server.applications.map((application) => application.token),
      'was applied',
    )
    // (5) no stuck work.
    for (const page of pages) {
      if (page.pending() !== 0) find(`no stuck work: g${page.generation} has ${page.pending()} pending`)
      const queued = page.outbox().map((action) => String((action.payload as { token?: string } | undefined)?.token))
      if (queued.length > 0) find(`no stuck work: g${page.generation} still queues ${queued.join(' ')}`)
    }
    let imported = 0
    for (const { page } of all) {
      imported += page.imported.result?.imported ?? 0
      if (page.imported.error !== undefined) notes.push(`g${page.generation}: the import failed: ${String(page.imported.error)}`)
      for (const error of page.errors) notes.push(`g${page.generation}: ${error instanceof Error ? `${error.name}: ${error.message}` : JSON.stringify(error)}`)
    }
    const counts = server.counts()
    return {
      findings,
      notes,
      trace,
      stats: {
        actions: made.length,
        applied: server.applications.length,
        refused: refused.size,
        forgiven: forgiven.size,
        imported,
        crashes,
        reloads,
        resettled,
        failed: counts.failed,
        dropped: counts.dropped,
        slowed: counts.slowed,
      },
    }
  } finally {
    for (const page of pages) if (!page.dead) page.crash()
    globalThis.BroadcastChannel = broadcastChannel
    await clock.settle()
    await instance.dropInstance().catch(() => {})
  }
}
