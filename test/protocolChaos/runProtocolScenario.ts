import type { SqlDriver } from '../../src/server'
import type { Todo } from '../chaos/chaosClient'
import { Ledger } from '../chaos/ledger'
import { checkBlindOverwrites, checkDiverged, checkDup, checkLost, checkOrphans, checkReferences, checkStuck, type Finding } from '../chaos/oracle'
import { createPrng } from '../chaos/prng'
import { summarize } from '../chaos/runScenario'
import type { Step } from '../chaos/scenario'
import { createFakeBroadcastChannel } from '../chaos/fakeBroadcastChannel'
import { createScheduler, type Scheduler } from '../chaos/scheduler'
import { createFakeLocks } from '../support/fakeLocks'
import { ObservedServer } from './observedServer'
import { ProtocolClient } from './protocolClient'
import { EVENT_FAULTS, type ProtocolFault, type RequestFault } from './protocolFetch'
import { DEFAULT_PROTOCOL_FEATURES, generateProtocolScenario, type ProtocolFeatures, type ProtocolScenario } from './protocolScenario'

export interface ProtocolScenarioResult {
  seed: number
  /** Edits and deletes made. */
  ops: number
  faults: number
  crashes: number
  /** Whether the clients listened to the event stream. */
  live: boolean
  /** Whether the server assigned ids. */
  serverIds: boolean
  /** Clients with two tabs on their storage. */
  twoTabs: number
  /** Operations settled by a pull's `answered` instead of a push's results. */
  settledByPull: number
  /** Pokes the fault layer dropped and event streams it cut. */
  pokesLost: number
  cuts: number
  /** Pushes and pulls the server answered. */
  requests: number
  findings: Finding[]
  /** Things worth knowing that are not failures (errors reported to onError, console output). */
  notes: string[]
}

export interface ProtocolRunOptions {
  /** Called with each step, request and server application, for `--trace`. */
  trace?: (line: string) => void
}

const isEventFault = (fault: ProtocolFault): fault is (typeof EVENT_FAULTS)[number] => (EVENT_FAULTS as readonly string[]).includes(fault)

let run = 0

/**
 * Runs one seeded scenario against the real server on `db` (its tables emptied first) and checks it
 * with test/chaos's oracle (oracle.ts says what lost, dup, diverged, stuck and orphans mean). The phases
 * are test/chaos's: the steps; heal (faults off, online, conflicts resolved, failed ops retried, every
 * user the client had visited drained) and pull everywhere; stuck and orphans after a flush; an abrupt
 * reload of every client, drain and pull again; lost, dup, diverged, stuck and orphans.
 */
export async function runProtocolScenario(
  db: SqlDriver,
  seed: number,
  features: ProtocolFeatures = DEFAULT_PROTOCOL_FEATURES,
  options: ProtocolRunOptions = {},
  scenario: ProtocolScenario = generateProtocolScenario(seed, features),
): Promise<ProtocolScenarioResult> {
  const consoleWarn = console.warn
  const consoleError = console.error
  const captured: string[] = []
  console.warn = (...args: unknown[]) => void captured.push(args.map(String).join(' ').slice(0, 300))
  console.error = console.warn
  // Tab slots and ids are drawn with Math.random: seeded, so a clash of slots replays too.
  const mathRandom = Math.random
  Math.random = createPrng(seed ^ 0x7ab5)
  const scheduler = createScheduler()
  const broadcastChannel = globalThis.BroadcastChannel
  globalThis.BroadcastChannel = createFakeBroadcastChannel(scheduler)
  try {
    return await runInner(db, scenario, scheduler, options.trace, captured)
  } finally {
    console.warn = consoleWarn
    console.error = consoleError
    Math.random = mathRandom
    globalThis.BroadcastChannel = broadcastChannel
  }
}

async function runInner(
  db: SqlDriver,
  scenario: ProtocolScenario,
  scheduler: Scheduler,
  traceOption: ((line: string) => void) | undefined,
  captured: string[],
): Promise<ProtocolScenarioResult> {
  const trace = traceOption ?? (() => {})
  const { seed } = scenario
  const ledger = new Ledger()
  const server = await ObservedServer.start(db, scheduler, () => ledger.tick(), scenario.serverIds)
  let faults = 0
  let crashes = 0
  const notes: string[] = []
  const instance = ++run
  for (const scope of ['anon', 'u2'])
    await server.seedRecords(
      scope,
      Array.from({ length: scenario.sharedRecords }, (_, i) => ({ id: `shared-${i + 1}`, title: `shared ${i + 1}` })),
    )

  const clients = scenario.strategies.map(
    (strategy, index) =>
      new ProtocolClient({
        name: `c${index}`,
        strategy,
        scheduler,
        server,
        ledger,
        random: createPrng(seed * 31 + index),
        storageName: `protocol-chaos-${process.pid}-${instance}-${seed}-c${index}`,
        onFault: () => (faults += 1),
        live: scenario.live,
        pullAfterLostAnswer: scenario.pullAfterLostAnswer,
        serverIds: scenario.serverIds,
        tabs: scenario.tabs[index] ?? 1,
        locks: createFakeLocks(),
        trace: traceOption,
      }),
  )
  for (const client of clients) for (let tab = 0; tab < client.tabs; tab++) client.boot(tab)
  await scheduler.settle()

  let tokenCounter = 0
  let created = 0
  const switching = new Map<ProtocolClient, Promise<void>>()
  const dispatch = (client: ProtocolClient, action: unknown, tab = 0) => {
    try {
      client.pages[tab % client.tabs]!.store.dispatch(action as never)
    } catch (error) {
      notes.push(`${client.name}#${tab}: dispatch refused: ${error instanceof Error ? error.message : String(error)}`)
    }
  }
  const todosOf = (client: ProtocolClient, tab: number) => client.pages[tab % client.tabs]!.todos
  /** The record each client changed last: the one most likely in flight when it crashes. */
  const lastTouched = new Map<ProtocolClient, string>()
  const edit = (client: ProtocolClient, pick: number | 'last', title: boolean, tab = 0) => {
    const view = client.view(tab)
    if (view.length === 0) return
    const last = pick === 'last' ? view.find((r) => r.id === lastTouched.get(client)) : undefined
    const record = last ?? view[(pick === 'last' ? 0 : pick) % view.length]!
    lastTouched.set(client, record.id)
    const token = `${client.name}x${++tokenCounter}`
    // Server-assigned ids: some edits point `parentId` at another record of the view (not itself, and no
    // cycle: the docs ask apps to set such references once the creates are confirmed).
    const candidate = view[(tokenCounter * 5) % view.length]!.id
    const parent = scenario.serverIds && tokenCounter % 3 === 0 && !reachesUp(view, candidate, record.id) ? { parentId: candidate } : {}
    dispatch(client, todosOf(client, tab).actions.updated({ id: record.id, changes: { [`t_${token}`]: 1, ...(title ? { title: token } : {}), ...parent } }), tab)
  }
  /** Whether following `parentId` up from `from` in the view reaches `target` (itself included). */
  const reachesUp = (view: Todo[], from: string, target: string): boolean => {
    const byId = new Map(view.map((record) => [record.id, record]))
    const seen = new Set<string>()
    for (let id: unknown = from; typeof id === 'string' && !seen.has(id); id = byId.get(id)?.parentId) {
      if (id === target) return true
      seen.add(id)
    }
    return false
  }
  const create = (client: ProtocolClient, title: boolean, tab = 0) => {
    const id = `${client.name}-n${++created}`
    const token = `${client.name}x${++tokenCounter}`
    lastTouched.set(client, id)
    const record: Todo = { id, title: title ? token : id, [`t_${token}`]: 1 }
    // Server-assigned ids: most creates point at a record of the view (temporary ones too).
    const view = client.view(tab)
    if (scenario.serverIds && view.length > 0 && tokenCounter % 4 !== 0) record.parentId = view[(created * 7) % view.length]!.id
    dispatch(client, todosOf(client, tab).actions.added(record), tab)
  }

  let counting = true
  async function crash(client: ProtocolClient, tab = 0): Promise<void> {
    if (counting) crashes += 1
    client.crash(tab)
    if (tab === 0) switching.delete(client)
    await scheduler.settle()
    ledger.crashed(`${client.name}#${tab}`, await client.storedTokens(), new Set(server.appliedTokens().keys()))
  }

  async function reload(client: ProtocolClient, step: Extract<Step, { t: 'crash' }>): Promise<void> {
    const tab = step.tab % client.tabs
    if (step.restore === 'offline-edit') {
      if (step.rounds % 2 === 0) edit(client, 'last', step.before % 2 === 0, tab)
      else create(client, step.before % 2 === 0, tab)
    }
    await scheduler.settle(step.before)
    await crash(client, tab)
    const online = client.online
    if (step.restore === 'offline-edit') client.setOnline(false)
    client.boot(tab)
    if (step.restore === 'early-edits') {
      edit(client, step.rounds, false, tab)
      edit(client, step.rounds + 1, true, tab)
    }
    if (step.restore === 'crash-again') {
      await scheduler.settle(step.rounds)
      await crash(client, tab)
      client.boot(tab)
    }
    if (step.restore === 'offline-edit') {
      await scheduler.settle()
      edit(client, step.rounds % 3 === 0 ? step.rounds : 'last', step.before % 2 === 0, tab)
      await scheduler.settle()
      client.setOnline(online)
    }
    await scheduler.settle(step.restore === 'await' ? undefined : step.rounds)
  }

  function resolveOpen(client: ProtocolClient, choices: () => boolean): void {
    const { sync } = client.page
    for (const conflict of sync.selectors.selectOpenConflicts(client.page.store.getState()))
      dispatch(client, sync.actions.resolveConflict({ id: conflict.id, choose: choices() ? 'local' : 'remote' }))
  }

  trace(
    `clients: ${scenario.strategies.map((s, i) => `c${i}=${s}${(scenario.tabs[i] ?? 1) > 1 ? ' (2 tabs)' : ''}`).join(' ')}; ${scenario.sharedRecords} shared records${scenario.live ? ', live events' : ''}${scenario.pullAfterLostAnswer ? ', pull after a lost answer' : ''}${scenario.serverIds ? ', server ids' : ''}`,
  )
  for (const step of scenario.steps) {
    trace(`t=${scheduler.now() - 1_700_000_000_000} tick=${ledger.tick()} ${JSON.stringify(step)}`)
    const client = 'c' in step ? clients[step.c]! : undefined
    switch (step.t) {
      case 'create':
        create(client!, step.title, step.tab)
        break
      case 'update':
        edit(client!, step.pick, step.title, step.tab)
        break
      case 'delete': {
        const view = client!.view(step.tab)
        if (view.length > 0) dispatch(client!, todosOf(client!, step.tab).actions.removed(view[step.pick % view.length]!.id), step.tab)
        break
      }
      case 'fault':
        if (step.fault === 'cut-events') {
          faults += 1
          client!.events.cut()
        } else if (isEventFault(step.fault)) {
          faults += step.count
          client!.events.losePokes += step.count
        } else for (let i = 0; i < step.count; i++) client!.requestFaults.push(step.fault as RequestFault)
        break
      case 'network':
        client!.setOnline(step.online)
        break
      case 'crash':
        await reload(client!, step)
        break
      case 'switch': {
        await switching.get(client!)
        // Tabs share one signed-in user; switching is for single-tab clients.
        if (client!.page.dead || client!.tabs > 1) break
        client!.user = step.user
        client!.usersSeen.add(step.user)
        const switched = client!.page.persistor.switchUser(step.user).catch((error: unknown) => {
          notes.push(`${client!.name}: switchUser failed: ${String(error)}`)
        })
        switching.set(client!, switched)
        break
      }
      case 'advance':
        await scheduler.advance(step.ms)
        break
      case 'settle':
        await scheduler.settle(step.rounds ?? undefined)
        break
      case 'pull':
        dispatch(client!, client!.page.sync.actions.pullNow())
        break
      case 'sync':
        dispatch(client!, client!.page.sync.actions.syncNow())
        break
      case 'resolve':
        resolveOpen(client!, () => step.local)
        break
    }
  }

  // ---- Heal: no faults, online, every conflict resolved, every failure retried, every user drained.
  let choice = 0
  const healChoice = () => scenario.healChoices[choice++ % scenario.healChoices.length]!
  for (const client of clients) {
    await switching.get(client)
    client.requestFaults.length = 0
    client.events.losePokes = 0
    client.setOnline(true)
  }
  switching.clear()
  await scheduler.settle()

  async function drainAll(): Promise<void> {
    for (let round = 0; round < 40; round++) {
      for (const client of clients) {
        resolveOpen(client, healChoice)
        if (client.page.sync.selectors.selectFailed(client.page.store.getState()).length > 0) dispatch(client, client.page.sync.actions.retryFailed())
      }
      await scheduler.advance(2_500)
      const busy = clients.some((client) =>
        client.pages.some((page) => {
          const state = page.store.getState()
          const status = page.sync.selectors.selectStatus(state)
          return status.pending > 0 || status.failed > 0 || page.sync.selectors.selectOpenConflicts(state).length > 0
        }),
      )
      if (!busy) break
    }
  }

  async function pullAll(): Promise<void> {
    // Pulls run in the sending tab; the others get its pages over the channel.
    for (let round = 0; round < 2; round++) {
      for (const client of clients) for (let tab = 0; tab < client.tabs; tab++) dispatch(client, client.page.sync.actions.pullNow(), tab)
      await scheduler.advance(100)
    }
  }

  async function switchTo(client: ProtocolClient, user: string | null): Promise<void> {
    client.user = user
    await client.page.persistor.switchUser(user).catch((error: unknown) => notes.push(`${client.name}: switchUser failed: ${String(error)}`))
    await scheduler.settle()
    trace(`heal: ${client.name} switched to ${String(user)}`)
  }

  const stuckElsewhere: Finding[] = []
  for (const client of clients) {
    const finalUser = client.user
    for (const user of client.usersSeen) {
      if (user === finalUser) continue
      await switchTo(client, user)
      await drainAll()
      stuckElsewhere.push(...checkStuck([client], `after heal and drain signed in as ${String(user)}`))
    }
    if (client.user !== finalUser) await switchTo(client, finalUser)
  }
  await drainAll()
  await pullAll()

  const findings: Finding[] = [...stuckElsewhere]
  findings.push(...checkStuck(clients, 'after heal and drain'))
  for (const client of clients) {
    for (const page of client.pages) await page.persistor.flush()
    ledger.flushed(client.name)
  }
  await scheduler.settle()
  findings.push(...(await checkOrphans(clients, 'after heal and a flush')))

  // ---- Reload every client abruptly, drain and pull again.
  counting = false
  for (const client of clients)
    for (let tab = 0; tab < client.tabs; tab++) {
      await crash(client, tab)
      client.boot(tab)
    }
  await scheduler.settle()
  await drainAll()
  await pullAll()
  for (const scope of ['anon', 'u2']) await server.refresh(scope)

  findings.push(...checkLost(ledger, server, clients))
  findings.push(...checkBlindOverwrites(ledger, server))
  findings.push(...checkDup(server, ledger))
  if (scenario.serverIds) findings.push(...checkReferences(server, ['anon', 'u2'], ledger))
  for (const write of server.unexplained) findings.push({ kind: 'dup', detail: `a write no fresh operation accounts for: ${write}` })
  findings.push(...checkDiverged(server, clients))
  findings.push(...checkStuck(clients, 'after a reload, drain and pull'))
  for (const client of clients) for (const page of client.pages) await page.persistor.flush()
  await scheduler.settle()
  findings.push(...(await checkOrphans(clients, 'after a reload and a flush')))

  for (const client of clients) for (const page of client.pages) for (const error of page.errors) notes.push(`${client.name}#${page.tab} onError: ${error instanceof Error ? error.message : String(error)}`)
  for (const line of new Set(captured)) notes.push(`console: ${line}`)
  for (const client of clients) {
    const state = client.state().offline
    trace(
      `${client.name} end: user=${String(client.user)} ops=${JSON.stringify(client.page.sync.selectors.selectOps(client.page.store.getState()).map((op) => [op.id, op.seq, op.kind, op.recordId, op.status, op.userId]))} view=${client.view().map((r) => `${r.id}@${String(r.version)}`).join(',')} pull=${JSON.stringify(Object.fromEntries(Object.entries(state.pull).map(([k, v]) => [k, v.cursor])))}`,
    )
  }
  for (const a of server.applications) trace(`applied tick=${a.tick} ${a.scope}/${a.id} ${a.kind} key=${a.key} if-match=${String(a.ifMatch)} tokens=${a.tokens.join(',')}`)

  const result: ProtocolScenarioResult = {
    seed,
    ops: ledger.tokens.size + ledger.deletes.length,
    faults,
    crashes,
    live: scenario.live,
    serverIds: scenario.serverIds,
    twoTabs: clients.filter((client) => client.tabs > 1).length,
    settledByPull: clients.reduce((sum, client) => sum + client.settledByPull, 0),
    pokesLost: clients.reduce((sum, client) => sum + client.events.lost, 0),
    cuts: clients.reduce((sum, client) => sum + client.events.cuts, 0),
    requests: server.served,
    findings,
    notes,
  }
  for (const client of clients) await client.dispose()
  await server.close()
  await scheduler.settle()
  return result
}

/** The command that replays one seed. */
export const replayProtocolCommand = (seed: number) => `npm run chaos:protocol -- --seed ${seed}`

export { summarize }
