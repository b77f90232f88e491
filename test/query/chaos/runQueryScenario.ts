import 'fake-indexeddb/auto'
import localforage from 'localforage'
import { createFakeBroadcastChannel } from '../../chaos/fakeBroadcastChannel'
import { createFakeLocks } from '../../support/fakeLocks'
import type { BaseStorage } from '../../chaos/crashableStorage'
import { createClock, type Clock, type Work } from './clock'
import { openQueryPage, type QueryPage } from './queryPage'
import type { Scenario, Step } from './scenario'
import { isRefusedToken, type TodoServer } from './todoServer'

/** The clock and requests of the scenario running now (the server's handlers read them). */
export interface Env {
  clock: Clock
  works: Map<string, Work>
}

/** A mutation the app triggered: its token (unique field of its arg), the page load it was made in, its promise's fate. */
interface Trigger {
  token: string
  endpoint: string
  generation: number
  settled: 'no' | 'data' | 'error'
}

export interface ScenarioResult {
  /** Broken properties, one line each. */
  findings: string[]
  /** Worth knowing, not failures (errors the pages reported). */
  notes: string[]
  stats: { triggers: number; applied: number; refused: number; forgiven: number; crashes: number; reloads: number; failed: number; dropped: number; slowed: number }
  /** What happened, step by step, for a failure's report. */
  trace: string[]
}

/** The token a queued mutation's arg carries. */
const tokenOfArg = (arg: unknown): string | undefined => {
  const value = arg as { title?: unknown; token?: unknown } | null
  return typeof value?.token === 'string' ? value.token : typeof value?.title === 'string' ? value.title : undefined
}

let runs = 0

/**
 * Runs one scenario: the pages load on one storage, the steps run (each followed by a settle of the event
 * loop), then everything heals (online, no faults) and the clock moves on until the queue is empty; every
 * open page refetches the list. Then the four properties are checked against the server's log.
 */

export async function runQueryScenario(scenario: Scenario, server: TodoServer, env: Env): Promise<ScenarioResult> {
  env.clock = createClock()
  env.works = new Map()
  const { clock } = env
  server.reset()
  for (let i = 0; i < scenario.existing; i++) server.todos.push({ id: `e${i}`, title: `existing ${i}`, done: false })

  // The device's IndexedDB; every op record that landed is remembered (what a crash cannot have lost).
  const instance = localforage.createInstance({ name: `query-chaos-${process.pid}-${++runs}` })
  const landed = new Set<string>()
  const base: BaseStorage = {
    getItem: (key) => instance.getItem<string>(key),
    setItem: async (key, value) => {
      await instance.setItem(key, value)
      if (!key.includes('/op/')) return
      try {
        const token = tokenOfArg((JSON.parse(value) as { data?: { arg?: unknown } }).data?.arg)
        if (token) landed.add(token)
      } catch {
        // not an op record we can read: restore judges it
      }
    },
    removeItem: (key) => instance.removeItem(key),
    keys: () => instance.keys(),
    iterate: (visit) => instance.iterate(visit),
  }
  const broadcastChannel = globalThis.BroadcastChannel
  globalThis.BroadcastChannel = createFakeBroadcastChannel(clock)
  const locks = createFakeLocks()
  const trace: string[] = []
  const notes: string[] = []
  const findings: string[] = []
  const triggers: Trigger[] = []
  const forgiven = new Set<string>()
  const discarded = new Set<string>()
  const retried = new Set<string>()
  let generation = 0
  let online = scenario.online
  let created = 0
  let tokens = 0
  let crashes = 0
  let reloads = 0
  const closed: QueryPage[] = []

  const open = () => openQueryPage({ clock, base, works: env.works, generation: ++generation, online, tabs: scenario.pages > 1, locks })
  const pages: QueryPage[] = []
  try {
    for (let i = 0; i < scenario.pages; i++) pages.push(open())
    await clock.settle()

    const trigger = (page: QueryPage, endpoint: 'addTodo' | 'renameTodo' | 'toggleTodo', arg: Record<string, unknown>) => {
      const token = tokenOfArg(arg)!
      const made: Trigger = { token, endpoint, generation: page.generation, settled: 'no' }
      triggers.push(made)
      const initiate = page.api.endpoints[endpoint].initiate as (arg: unknown) => never
      const promise = page.store.dispatch(initiate(arg)) as unknown as Promise<{ data?: unknown; error?: unknown }>
      void promise.then((result) => (made.settled = 'error' in result && result.error !== undefined ? 'error' : 'data'))
    }
    const token = (refuse: boolean) => `${refuse ? 'no-' : ''}t${++tokens}`

    const run = async (step: Step) => {
      const page = pages[('page' in step ? step.page : 0) % pages.length]!
      const at = `g${page.generation}`
      switch (step.t) {
        case 'add': {
          const id = `n${++created}`
          const arg = { id, title: token(step.refuse), done: false }
          trace.push(`${at} add ${id} ${arg.title}`)
          trigger(page, 'addTodo', arg)
          break
        }
        case 'rename':
        case 'toggle': {
          // A todo the page shows: what the person can click on (a todo added in another tab a moment ago is
          // not there yet, and one queued here is).
          const shown = page.cached() ?? []
          if (shown.length === 0) return
          const id = shown[step.pick % shown.length]!.id
          const value = token(step.refuse)
          trace.push(`${at} ${step.t} ${id} ${value}`)
          if (step.t === 'rename') trigger(page, 'renameTodo', { id, title: value })
          else trigger(page, 'toggleTodo', { id, token: value })
          break
        }
        case 'online':
          online = step.online
          trace.push(online ? 'online' : 'offline')
          for (const each of pages) each.network.setOnline(online)
          break
        case 'fault':
          trace.push(`fault ${JSON.stringify(step.fault)}`)
          server.faults.push(step.fault)
          break
        case 'slowRead':
          trace.push(`slow read ${step.ms}`)
          server.slowReads.push(step.ms)
          break
        case 'advance':
          trace.push(`advance ${step.ms}`)
          await clock.advance(step.ms)
          break
        case 'refetch':
          trace.push(`${at} refetch`)
          page.refetch()
          break
        case 'discard': {
          const failed = page.failed().map((op) => tokenOfArg((op.data as { arg?: unknown } | null)?.arg) ?? '?')
          trace.push(`${at} discardFailed [${failed.join(' ')}]`)
          for (const each of failed) discarded.add(each)
          page.store.dispatch(page.sync.actions.discardFailed())
          break
        }
        case 'retryFailed': {
          // Sent again as new operations, under new keys: their triggers settled with the refusal already.
          const failed = page.failed().map((op) => tokenOfArg((op.data as { arg?: unknown } | null)?.arg) ?? '?')
          for (const each of failed) retried.add(each)
          trace.push(`${at} retryFailed [${failed.join(' ')}]`)
          page.store.dispatch(page.sync.actions.retryFailed())
          break
        }
        case 'reload': {
          const index = pages.indexOf(page)
          for (let turn = 0; turn < (step.turns ?? 0); turn++) await new Promise<void>((resolve) => setImmediate(resolve))
          if (step.flush) {
            reloads += 1
            await page.close()
          } else {
            crashes += 1
            page.crash()
          }
          await clock.settle()
          // A crash forgives the mutations whose record never reached storage (the page died before it was durable).
          const lost = triggers.filter((made) => made.generation === page.generation && !landed.has(made.token)).map((made) => made.token)
          for (const each of lost) forgiven.add(each)
          closed.push(page)
          pages[index] = open()
          trace.push(`${at} ${step.flush ? 'closed after a flush' : `crashed${step.turns === undefined ? '' : ` ${step.turns} turns on`}`}${lost.length ? ` (never stored: ${lost.join(' ')})` : ''}; g${pages[index]!.generation} loads`)
          break
        }
      }
    }

    for (const [index, step] of scenario.steps.entries()) {
      await run(step)
      const next = scenario.steps[index + 1]
      if ((next?.t === 'reload' && next.turns !== undefined) || (next && 'together' in next && next.together)) continue
      await clock.settle()
      // At every rest: a refused mutation's change is gone from a page once it no longer waits there.
      const refusedNow = server.refusedTokens()
      for (const page of pages) {
        // Not a failure (see the report of this suite): a recipe that pushes blindly, on a list fetched after the
        // server applied the add whose answer is not in yet, shows it twice until the mutation is settled.
        const waiting = page.offline.selectQueued(page.store.getState())
        const queued = new Set(waiting.map((record) => tokenOfArg(record.arg)))
        const addsWaiting = new Set(waiting.filter((record) => record.endpoint === 'addTodo').map((record) => (record.arg as { id: string }).id))
        const shownIds = (page.cached() ?? []).map((todo) => todo.id)
        for (const [at, id] of shownIds.entries()) {
          if (shownIds.indexOf(id) === at) continue
          // The same with a read of the list under way (the tags of the confirmed add refetch it): shown twice until it lands.
          if (addsWaiting.has(id)) notes.push(`g${page.generation}: at rest, a todo shown twice while its add waits`)
          else if (page.isReading()) notes.push(`g${page.generation}: at rest, a todo shown twice while the list is read again`)
          else findings.push(`convergence (at rest, step ${index + 1}): g${page.generation} shows ${id} twice, and its add no longer waits`)
        }
        for (const todo of page.cached() ?? [])
          if (refusedNow.has(todo.title) && !queued.has(todo.title))
            findings.push(`convergence (at rest, step ${index + 1}): g${page.generation} still shows ${todo.id} "${todo.title}", refused and no longer queued`)
      }
    }

    // Heal: online, no faults; the clock moves on until no page has work waiting.
    trace.push('heal')
    server.faults.length = 0
    server.slowReads.length = 0
    for (const page of pages) page.network.setOnline(true)
    await clock.settle()
    for (let round = 0; round < 300; round++) {
      if (pages.every((page) => page.pending() === 0)) break
      const next = clock.nextAt()
      await clock.advance(next === undefined ? 1_000 : Math.max(1, next - clock.now()))
    }
    // Let the answers' consequences run out (triggers settled, tags refetched), then refetch every page.
    for (let i = 0; i < 3; i++) await clock.advance(5_000)
    // Idle now: a page that is done shows the server's data without being asked to refetch.
    const serverNow = JSON.stringify(server.todos)
    for (const page of pages) {
      const cached = JSON.stringify(page.cached())
      if (cached !== serverNow) findings.push(`convergence (idle, before any refetch): g${page.generation} shows ${cached}, the server has ${serverNow}`)
    }
    for (const page of pages) {
      const refetched = page.refetch()
      await clock.settle()
      await refetched
    }
    await clock.settle()

    // The checks.
    const refused = server.refusedTokens()
    const appliedByToken = new Map<string, number>()
    const appliedByKey = new Map<string, number>()
    for (const application of server.applications) {
      appliedByToken.set(application.token, (appliedByToken.get(application.token) ?? 0) + 1)
      if (application.key === null) findings.push(`exactly-once: ${application.what} ${application.token} applied without an Idempotency-Key`)
      else appliedByKey.set(application.key, (appliedByKey.get(application.key) ?? 0) + 1)
    }
    for (const [key, count] of appliedByKey) if (count > 1) findings.push(`exactly-once: key ${key} applied ${count} times`)
    const failedTokens = new Set(pages.flatMap((page) => page.failed().map((op) => tokenOfArg((op.data as { arg?: unknown } | null)?.arg) ?? '?')))
    const triggered = new Set(triggers.map((made) => made.token))
    for (const token of appliedByToken.keys()) if (!triggered.has(token)) findings.push(`exactly-once: ${token} applied but never triggered`)
    for (const made of triggers) {
      const count = appliedByToken.get(made.token) ?? 0
      if (count > 1) findings.push(`exactly-once: ${made.endpoint} ${made.token} applied ${count} times`)
      if (refused.has(made.token)) {
        if (!failedTokens.has(made.token) && !discarded.has(made.token) && !forgiven.has(made.token))
          findings.push(`nothing lost: ${made.endpoint} ${made.token} was refused but is not listed as failed (nor discarded)`)
      } else if (count === 0 && !forgiven.has(made.token)) findings.push(`nothing lost: ${made.endpoint} ${made.token} never applied`)
      if (isRefusedToken(made.token) && count > 0) findings.push(`exactly-once: ${made.token} was to be refused but was applied`)
    }
    for (const token of failedTokens)
      if (!refused.has(token)) findings.push(`nothing lost: ${token} is listed as failed but the server never refused it`)
    const serverTodos = JSON.stringify(server.todos)
    for (const page of pages) {
      const cached = JSON.stringify(page.cached())
      if (cached !== serverTodos) findings.push(`convergence: g${page.generation} shows ${cached}, the server has ${serverTodos}`)
      if (page.pending() !== 0) findings.push(`no stuck work: g${page.generation} has ${page.pending()} pending`)
    }
    const live = new Set(pages.map((page) => page.generation))
    for (const made of triggers) {
      if (!live.has(made.generation)) continue
      if (made.settled === 'no') findings.push(`no stuck work: the trigger of ${made.endpoint} ${made.token} in g${made.generation} never settled`)
      else if ((made.settled === 'data') !== (appliedByToken.get(made.token) === 1) && !(made.settled === 'error' && retried.has(made.token)))
        findings.push(`answer: the trigger of ${made.endpoint} ${made.token} settled with ${made.settled}, the server ${refused.has(made.token) ? 'refused' : 'applied'} it`)
    }
    for (const page of [...closed, ...pages]) for (const error of page.errors) notes.push(`g${page.generation}: ${error instanceof Error ? `${error.name}: ${error.message}` : JSON.stringify(error)}`)
    const counts = server.counts()
    return {
      findings,
      notes,
      trace,
      stats: { triggers: triggers.length, applied: server.applications.length, refused: refused.size, forgiven: forgiven.size, crashes, reloads, failed: counts.failed, dropped: counts.dropped, slowed: counts.slowed },
    }
  } finally {
    for (const page of pages) if (!page.dead) page.crash()
    globalThis.BroadcastChannel = broadcastChannel
    await clock.settle()
    await instance.dropInstance().catch(() => {})
  }
}
