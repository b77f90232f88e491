import { ChaosClient, scopeOf, type Todo } from './chaosClient'
import type { Fault } from './faultyFetch'
import { Ledger } from './ledger'
import { checkBlindOverwrites, checkDiverged, checkDup, checkLost, checkOrphans, checkReferences, checkStuck, type Finding } from './oracle'
import { createPrng } from './prng'
import { ReferenceBackend } from './referenceBackend'
import { createScheduler, type Scheduler } from './scheduler'
import { createFakeBroadcastChannel } from './fakeBroadcastChannel'
import { createFakeLocks } from '../support/fakeLocks'
import { DEFAULT_FEATURES, generateScenario, type ChaosFeatures, type Scenario, type Step } from './scenario'

export interface ScenarioResult {
  seed: number
  ops: number
  faults: number
  crashes: number
  /** Operations settled by a pull's answer (confirmation by pull) instead of a push's. */
  settledByPull: number
  /** Whether the seed confirms by pull. */
  confirmByPull: boolean
  /** Times the server compacted its history, and pulls it answered 410 after. */
  compactions: number
  pullsGone: number
  /** Whether the server assigns ids in the seed. */
  serverIds: boolean
  findings: Finding[]
  /** Things worth knowing that are not failures (a dispatch the engine refused, keys reused, errors reported). */
  notes: string[]
}

let run = 0

/**
 * Runs one seeded scenario to its end and checks it (see oracle.ts for what each count means):
 * the steps; then heal (faults off, online, conflicts resolved, failed ops retried, every user the client
 * had visited drained) and pull everywhere; stuck and orphans checked after a flush; then every client is
 * reloaded abruptly, drained and pulled again, and lost, dup, diverged, stuck and orphans are checked.
 */
export interface RunOptions {
  /** Called with each step and harness event, for `--trace`. */
  trace?: (line: string) => void
}

export async function runScenario(
  seed: number,
  features: ChaosFeatures = DEFAULT_FEATURES,
  options: RunOptions = {},
  scenario: Scenario = generateScenario(seed, features),
): Promise<ScenarioResult> {
  const trace = options.trace ?? (() => {})
  // The engine's own console output (RTK warnings) goes to the notes, not the terminal.
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
    return await runScenarioInner(seed, scenario, scheduler, trace, captured, options.trace !== undefined, features.costlySettles && seed % 2 === 1)
  } finally {
    console.warn = consoleWarn
    console.error = consoleError
    Math.random = mathRandom
    globalThis.BroadcastChannel = broadcastChannel
  }
}

async function runScenarioInner(
  seed: number,
  scenario: Scenario,
  scheduler: Scheduler,
  trace: (line: string) => void,
  captured: string[],
  traced: boolean,
  costlySettles: boolean,
): Promise<ScenarioResult> {
  const ledger = new Ledger()
  const backend = new ReferenceBackend(scheduler.now, () => ledger.tick(), scenario.serverIds)
  let faults = 0
  let crashes = 0
  const notes: string[] = []
  const instance = ++run
  for (const scope of ['anon', 'u2'])
    for (let i = 1; i <= scenario.sharedRecords; i++) backend.seed(scope, { id: `shared-${i}`, title: `shared ${i}` })

  const clients = scenario.strategies.map(
    (strategy, index) =>
      new ChaosClient({
        name: `c${index}`,
        strategy,
        scheduler,
        backend,
        ledger,
        random: createPrng(seed * 31 + index),
        storageName: `chaos-${process.pid}-${instance}-${seed}-c${index}`,
        onFault: () => (faults += 1),
        tabs: scenario.tabs[index] ?? 1,
        locks: createFakeLocks(),
        confirmByPull: scenario.confirmByPull,
        serverIds: scenario.serverIds,
        // Pokes through the adapter's subscribe in the seeds that confirm by pull (the sync protocol's
        // client), through pullNow dispatched by the harness in the others (as the seeds before had them).
        subscribe: scenario.pokes && scenario.confirmByPull,
        settleCostMs: costlySettles ? 1 : 0,
        trace: traced ? trace : undefined,
      }),
  )
  if (scenario.pokes && scenario.confirmByPull)
    backend.onWrite = (scope) => {
      for (const client of clients) client.poke(scope)
    }
  else if (scenario.pokes)
    backend.onWrite = (scope) => {
      for (const client of clients) {
        if (scopeOf(client.user) !== scope) continue
        for (const page of client.pages) {
          const done = scheduler.track()
          setImmediate(() => {
            done()
            if (!page.dead) page.store.dispatch(page.sync.actions.pullNow())
          })
        }
      }
    }
  for (const client of clients) for (let tab = 0; tab < client.tabs; tab++) client.boot(tab)
  await scheduler.settle()

  let tokenCounter = 0
  let created = 0
  const switching = new Map<ChaosClient, Promise<void>>()
  const dispatch = (client: ChaosClient, action: unknown, tab = 0) => {
    try {
      client.pages[tab % client.tabs]!.store.dispatch(action as never)
    } catch (error) {
      notes.push(`${client.name}#${tab}: dispatch refused: ${error instanceof Error ? error.message : String(error)}`)
    }
  }
  /** The record each client changed last: the one most likely in flight when it crashes. */
  const lastTouched = new Map<ChaosClient, string>()
  const edit = (client: ChaosClient, pick: number | 'last', title: boolean, tab = 0) => {
    const view = client.view(tab)
    if (view.length === 0) return
    const last = pick === 'last' ? view.find((r) => r.id === lastTouched.get(client)) : undefined
    const record = last ?? view[(pick === 'last' ? 0 : pick) % view.length]!
    lastTouched.set(client, record.id)
    const token = `${client.name}x${++tokenCounter}`
    // Server-assigned ids: some edits point `parentId` at another record of the view.
    const candidate = view[(tokenCounter * 5) % view.length]!.id
    // Not itself, and no cycle: the docs ask apps to set such references once the creates are confirmed
    // (src/serverIds/waitsForCreate.ts sends them with the temporary id rather than wait for ever).
    const parent = scenario.serverIds && tokenCounter % 3 === 0 && !reachesUp(view, candidate, record.id) ? { parentId: candidate } : {}
    dispatch(client, client.pages[tab % client.tabs]!.todos.actions.updated({ id: record.id, changes: { [`t_${token}`]: 1, ...(title ? { title: token } : {}), ...parent } }), tab)
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

  function create(client: ChaosClient, tab: number, title: boolean): void {
    const id = `${client.name}-n${++created}`
    const token = `${client.name}x${++tokenCounter}`
    const record: Todo = { id, title: title ? token : id, [`t_${token}`]: 1 }
    // Server-assigned ids: most creates point at a record of the view (temporary ones too: the create then
    // waits for that record's, and goes with its server id).
    const view = client.view(tab)
    if (scenario.serverIds && view.length > 0 && tokenCounter % 4 !== 0) record.parentId = view[(created * 7) % view.length]!.id
    // (A new record cannot close a cycle: nothing refers to it yet.)
    lastTouched.set(client, id)
    dispatch(client, client.pages[tab % client.tabs]!.todos.actions.added(record), tab)
  }

  /** A crash of a tab's page at this instant, and what the harness learns from storage afterwards. */
  let counting = true
  async function crash(client: ChaosClient, tab = 0): Promise<void> {
    // The figures count the scenario's crashes, not the final reload every client gets.
    if (counting) crashes += 1
    client.crash(tab)
    if (tab === 0) switching.delete(client)
    await scheduler.settle()
    const stored = await client.storedTokens()
    const applied = new Set(backend.appliedTokens().keys())
    ledger.crashed(`${client.name}#${tab}`, stored, applied)
  }

  async function reload(client: ChaosClient, step: Extract<Step, { t: 'crash' }>): Promise<void> {
    const tab = step.tab % client.tabs
    // The user edits and the page dies a few turns of the event loop later: the request may be
    // leaving, its "sent" mark not yet stored.
    if (step.restore === 'offline-edit') {
      if (step.rounds % 2 === 0) edit(client, 'last', step.before % 2 === 0, tab)
      else create(client, tab, step.before % 2 === 0)
    }
    await scheduler.settle(step.before)
    await crash(client, tab)
    const online = client.online
    if (step.restore === 'offline-edit') client.setOnline(false)
    client.boot(tab)
    if (step.restore === 'early-edits') {
      // Edits made before the restore finished (the app's first render dispatches at once).
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
      // Most often the record that was in flight: its op may come back looking never sent.
      edit(client, step.rounds % 3 === 0 ? step.rounds : 'last', step.before % 2 === 0, tab)
      await scheduler.settle()
      client.setOnline(online)
    }
    await scheduler.settle(step.restore === 'await' ? undefined : step.rounds)
  }

  function resolveOpen(client: ChaosClient, choices: () => boolean): void {
    const { sync } = client.page
    for (const conflict of sync.selectors.selectOpenConflicts(client.page.store.getState()))
      dispatch(client, sync.actions.resolveConflict({ id: conflict.id, choose: choices() ? 'local' : 'remote' }))
  }

  trace(
    `clients: ${scenario.strategies.map((s, i) => `c${i}=${s}${(scenario.tabs[i] ?? 1) > 1 ? ' (2 tabs)' : ''}`).join(' ')}; ${scenario.sharedRecords} shared records${scenario.pokes ? ', pokes' : ''}${scenario.confirmByPull ? ', confirmation by pull' : ''}${scenario.serverIds ? ', server ids' : ''}`,
  )
  for (const [index, step] of scenario.steps.entries()) {
    trace(`t=${scheduler.now() - 1_700_000_000_000} tick=${ledger.tick()} ${JSON.stringify(step)}`)
    const client = 'c' in step ? clients[step.c]! : undefined
    switch (step.t) {
      case 'create':
        create(client!, step.tab, step.title)
        break
      case 'update':
        edit(client!, step.pick, step.title, step.tab)
        break
      case 'delete': {
        const view = client!.view(step.tab)
        if (view.length > 0) dispatch(client!, client!.pages[step.tab % client!.tabs]!.todos.actions.removed(view[step.pick % view.length]!.id), step.tab)
        break
      }
      case 'fault':
        for (let i = 0; i < step.count; i++) client!.faults.push(step.fault as Fault)
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
        // The app signs the new user in (its token provider answers for them from now on), then switches.
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
    if (scenario.compactAfter.includes(index)) {
      trace('server compacts its history: older cursors get 410')
      backend.compact()
    }
  }

  // ---- Heal: no faults, online, every conflict resolved, every failure retried, every user drained.
  let choice = 0
  const healChoice = () => scenario.healChoices[choice++ % scenario.healChoices.length]!
  for (const client of clients) {
    await switching.get(client)
    client.faults.length = 0
    client.setOnline(true)
  }
  switching.clear()
  await scheduler.settle()

  async function drainAll(): Promise<void> {
    for (let round = 0; round < 40; round++) {
      for (const client of clients) {
        resolveOpen(client, healChoice)
        const state = client.page.store.getState()
        if (client.page.sync.selectors.selectFailed(state).length > 0) dispatch(client, client.page.sync.actions.retryFailed())
      }
      await scheduler.advance(2_500)
      const busy = clients.some((client) =>
        client.pages.some((page) => {
          const status = page.sync.selectors.selectStatus(page.store.getState())
          // A conflict opened in this round (a "keep mine" re-sent onto a record changed again since) is
          // resolved in the next one: the engine re-parking it is right, not stuck.
          return status.pending > 0 || status.failed > 0 || page.sync.selectors.selectOpenConflicts(page.store.getState()).length > 0
        }),
      )
      if (!busy) break
    }
  }

  async function pullAll(): Promise<void> {
    // Pulls run in the sending tab; the others get its pages over the channel.
    for (const client of clients) for (let tab = 0; tab < client.tabs; tab++) dispatch(client, client.page.sync.actions.pullNow(), tab)
    await scheduler.advance(100)
    for (const client of clients) for (let tab = 0; tab < client.tabs; tab++) dispatch(client, client.page.sync.actions.pullNow(), tab)
    await scheduler.advance(100)
  }

  async function switchTo(client: ChaosClient, user: string | null): Promise<void> {
    client.user = user
    await client.page.persistor.switchUser(user).catch((error: unknown) => notes.push(`${client.name}: switchUser failed: ${String(error)}`))
    await scheduler.settle()
    trace(`heal: ${client.name} switched to ${String(user)}: ops=${JSON.stringify(client.page.sync.selectors.selectOps(client.page.store.getState()).map((op) => [op.id, op.seq, op.kind, op.recordId, op.status, op.userId]))} stored=${(await client.storedOpIds()).join(',')}`)
  }

  const stuckElsewhere: Finding[] = []
  // Each client visits every user it signed in as, so their outboxes drain too, and ends as it was.
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

  findings.push(...checkLost(ledger, backend, clients))
  findings.push(...checkBlindOverwrites(ledger, backend))
  findings.push(...checkDup(backend, ledger))
  if (scenario.serverIds) findings.push(...checkReferences(backend, ['anon', 'u2'], ledger))
  findings.push(...checkDiverged(backend, clients))
  findings.push(...checkStuck(clients, 'after a reload, drain and pull'))
  for (const client of clients) for (const page of client.pages) await page.persistor.flush()
  await scheduler.settle()
  findings.push(...(await checkOrphans(clients, 'after a reload and a flush')))

  for (const refusal of backend.refusals) notes.push(`server refused Idempotency-Key ${refusal.key} reused with another body (${refusal.method} ${refusal.path} in ${refusal.scope})`)
  for (const client of clients) for (const page of client.pages) for (const error of page.errors) notes.push(`${client.name} onError: ${error instanceof Error ? error.message : String(error)}`)

  for (const line of new Set(captured)) notes.push(`console: ${line}`)
  for (const client of clients) {
    const state = client.state().offline
    trace(`${client.name} end: user=${String(client.user)} seen=${[...client.usersSeen].map(String).join(',')} nextSeq=${state.nextSeq} ops=${JSON.stringify(client.page.sync.selectors.selectOps(client.page.store.getState()).map((op) => [op.id, op.seq, op.kind, op.recordId, op.status, op.userId]))} view=${client.view().map((r) => `${r.id}@${String(r.version)}`).join(',')} pull=${JSON.stringify(Object.fromEntries(Object.entries(state.pull).map(([k, v]) => [k, v.cursor])))}`)
  }
  for (const a of backend.applications) trace(`applied tick=${a.tick} ${a.scope}/${a.id} ${a.kind} key=${a.key} tokens=${a.tokens.join(',')}`)
  const ops = ledger.tokens.size + ledger.deletes.length
  const settledByPull = clients.reduce((sum, client) => sum + client.settledByPull, 0)
  for (const client of clients) await client.dispose()
  return { seed, ops, faults, crashes, settledByPull, confirmByPull: scenario.confirmByPull, serverIds: scenario.serverIds, compactions: backend.compactions, pullsGone: backend.pullsGone, findings, notes }
}

/** The command that replays one seed. */
export const replayCommand = (seed: number) => `npm run chaos -- --seed ${seed}`

export function summarize(findings: readonly Finding[]) {
  const counts = { lost: 0, dup: 0, diverged: 0, stuck: 0, orphans: 0 }
  for (const finding of findings) counts[finding.kind] += 1
  return counts
}

export type { Scheduler }
