import { Ledger } from '../../test/chaos/ledger'
import { createPrng } from '../../test/chaos/prng'
import { ReferenceBackend } from '../../test/chaos/referenceBackend'
import type { ChaosServer } from './chaosServer'
import { Device, TabGoneError } from './device'
import { BROWSER_FAULTS, STREAM_FAULTS } from './faults'
import { STRATEGY_NAMES, tokenField, tokensOf, type EditResult, type Note, type PageReport, type StrategyName } from './harnessApi'
import { checkAll, stable, type BrowserFinding, type FinalTab } from './oracle'

/** What a scenario may do; each can be turned off to narrow a failure down. */
export interface BrowserChaosFeatures {
  kills: boolean
  tabCrashes: boolean
  tabs: boolean
  switches: boolean
  faults: boolean
  /**
   * Shared records: every user's data starts with notes no device created, and devices change and delete
   * any note they hold (another device's too), so the server answers conflicts (412, 404, 409) and each
   * device's conflict strategy, drawn from the seed, settles them. Off: each device edits only its own
   * notes, with the default strategy, and any conflict is a finding.
   */
  shared: boolean
  /** Faults on the event stream (`live: true`): cut mid-way, refused (503) for a while, pokes lost or late. */
  streamFaults: boolean
  /** The HTTP server stopped (connections dropped) and started again on the same database and port. */
  restarts: boolean
  /** Server-assigned ids for about a third of the seeds: notes are created under temporary ids and move to the server's. */
  serverIds: boolean
}

export const ALL_FEATURES: BrowserChaosFeatures = {
  kills: true,
  tabCrashes: true,
  tabs: true,
  switches: true,
  faults: true,
  shared: true,
  streamFaults: true,
  restarts: true,
  serverIds: true,
}

export interface ScenarioResult {
  seed: number
  findings: BrowserFinding[]
  /** The scenario's steps, the devices' events and the server's log, for a failure's report. */
  trace: string[]
  serverLog: string[]
  counts: {
    edits: number
    faults: number
    kills: number
    tabCrashes: number
    tabCloses: number
    switches: number
    forgiven: number
    /** Edits of a note another device created (or no device: a seeded one). */
    sharedEdits: number
    /** Conflicts the pages settled or parked. */
    conflicts: number
    streamFaults: number
    restarts: number
  }
  ms: number
}

export interface ScenarioOptions {
  seed: number
  server: ChaosServer
  /** Steps of the scenario before the heal. @default 30 */
  steps?: number
  features?: BrowserChaosFeatures
  /** Each trace line as it happens (`--trace`). */
  onTrace?: (line: string) => void
}

const USERS = ['alice', 'bob'] as const
/** Notes every user's data holds when a scenario with shared records starts. */
const SEEDED_NOTES = 3
/** How long the heal waits for each device's event stream to be open again under its user. */
const STREAM_TIMEOUT_MS = 10_000
/** How long the heal's live check gives a poke to bring another device's change (the periodic pull is 30 s). */
const LIVE_TIMEOUT_MS = 5_000
/** How long the heal waits for a device to drain, and for every tab to equal the server. */
const SETTLE_TIMEOUT_MS = 30_000

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * One seeded scenario on two devices (Chromium processes with persistent profiles) against the chaos
 * server: random edits on each device's own notes, flushes, the network switched off and on, faults on
 * the way to the server, user switches, hard kills of a device's browser, renderer crashes and tabs closed
 * mid-drain, a second tab opened and closed. Then the heal (faults off, every device running and online,
 * each user it signed in visited so that user's outbox drains, a pull) and the oracle's checks.
 *
 * The choices (which step, which device and tab, which edit, which fault) come from the seed; what the
 * engine and the server do meanwhile runs in real time, so a seed repeats its steps but not their timing.
 */
export async function runBrowserScenario(options: ScenarioOptions): Promise<ScenarioResult> {
  const { seed, server } = options
  const features = options.features ?? ALL_FEATURES
  const random = createPrng(seed)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!
  const started = Date.now()
  const trace: string[] = []
  const log = (line: string) => {
    const stamped = `${String(Date.now() - started).padStart(6)}ms ${line}`
    trace.push(stamped)
    options.onTrace?.(stamped)
  }
  const ledger = new Ledger()
  const counts = { edits: 0, faults: 0, kills: 0, tabCrashes: 0, tabCloses: 0, switches: 0, forgiven: 0, sharedEdits: 0, conflicts: 0, streamFaults: 0, restarts: 0 }
  // Mostly one user on both devices, so their changes meet on shared notes (as they do on a family or team account).
  const firstUsers = [USERS[0], random() < 0.75 ? USERS[0] : USERS[1]]
  // Drawn apart from the steps (as the Node suite draws its per-seed options), so the steps stay the seed's.
  const strategyDraw = createPrng(seed ^ 0x5747)
  const strategies: StrategyName[] = firstUsers.map(() => (features.shared ? STRATEGY_NAMES[Math.floor(strategyDraw() * STRATEGY_NAMES.length)]! : 'server-wins'))
  /** The choices people make on parked conflicts (keep mine or use theirs), apart from the steps too. */
  const choiceDraw = createPrng(seed ^ 0xc401)
  const choices = () => Array.from({ length: 8 }, () => choiceDraw() < 0.5)
  const serverIds = features.serverIds && createPrng(seed ^ 0x1d5a55)() < 1 / 3
  await server.reset({ assignIds: serverIds })
  // The server's applications on the ledger's clock, in the Node suite's backend log, so its rules
  // (deletedSince, selfInflicted, blind overwrites) judge them.
  const applications = new ReferenceBackend(Date.now, () => ledger.tick())
  server.onApplied = (a) =>
    applications.applications.push({ tick: ledger.tick(), scope: a.scope, id: a.recordId, kind: a.kind, key: a.key, ifMatch: a.baseVersion, version: a.version, tokens: a.tokens, dupTokens: [] })
  const reports: PageReport[] = []
  const reported = new Set<string>()
  const onReport = (report: PageReport) => {
    // Every tab of a device sees the sender's settlements (they are shared): one report of each is enough.
    const once = `${report.type} ${report.device} ${report.opId}`
    if (reported.has(once)) return
    reported.add(once)
    reports.push(report)
    counts.conflicts += report.type === 'conflict' ? 1 : 0
    log(`${report.device}#${report.tab} ${report.type === 'conflict' ? `conflict on ${report.kind} ${report.recordId} settled ${report.resolution}` : `uses theirs for ${report.kind} ${report.recordId}`} (op ${report.opId}, ${String(report.user)}; base v${String(report.base?.version ?? '-')}, server v${String(report.remote?.version ?? 'gone')})`)
  }
  const devices = firstUsers.map((user, index) => new Device(`d${index}`, server.url, user, log, strategies[index], onReport, serverIds))
  const steps = options.steps ?? 30
  let noteCounter = 0
  let tokenCounter = 0
  const pushedTokens = () => new Set(server.pushed.flatMap((op) => tokensOf(op.data)))

  /** A tab (or the whole device) died: its edits not yet durable are durable if IndexedDB or the server holds them. */
  const accountCrash = async (device: Device, writers: number[]) => {
    const tab = device.openTabs()[0]
    const stored = tab === undefined ? new Set<string>() : new Set(await device.call(tab, 'storedTokens'))
    for (const writer of writers) {
      const { forgiven } = ledger.crashed(`${device.name}#${writer}`, stored, pushedTokens())
      counts.forgiven += forgiven
      if (forgiven > 0) log(`${device.name}#${writer}: ${forgiven} edit(s) not yet stored when it died (forgiven)`)
    }
  }

  try {
    log(`seed ${seed}: ${devices.map((d, i) => `${d.name} signed in as ${firstUsers[i]} (${d.strategy})`).join(', ')}${serverIds ? '; server-assigned ids' : ''}; features ${JSON.stringify(features)}`)
    if (features.shared) {
      const seeded = (user: string) => Array.from({ length: SEEDED_NOTES }, (_, i): Note => ({ id: `${user}-s${i + 1}`, owner: 'seed', title: `shared ${i + 1}` }))
      await server.seed(Object.fromEntries(USERS.map((user) => [user, seeded(user)])))
      log(`every user's data starts with ${SEEDED_NOTES} notes no device created`)
    }
    for (const device of devices) {
      // Half the devices start offline: changes then wait in the outbox, where crashes can reach them.
      device.online = random() < 0.5
      const twoTabs = features.tabs && random() < 0.4
      log(`${device.name} starts ${device.online ? 'online' : 'offline'}${twoTabs ? ', two tabs' : ''}`)
      await device.launch()
      if (twoTabs) await device.openTab(1)
    }

    for (let step = 1; step <= steps; step++) {
      const device = pick(devices)
      const roll = random()
      const tabs = device.openTabs()
      const tab = tabs.length > 0 ? pick(tabs) : 0
      try {
        if (!device.running) {
          log(`step ${step}: ${device.name} relaunched on its profile`)
          await device.launch()
          await accountCrash(device, [0, 1])
        } else if (roll < 0.32) {
          const edits = 1 + Math.floor(random() * 3)
          for (let i = 0; i < edits; i++) if (await edit(device, tab, step)) counts.edits++
        } else if (roll < 0.37) {
          const wait = 100 + Math.floor(random() * 1400)
          log(`step ${step}: wait ${wait} ms`)
          await sleep(wait)
        } else if (roll < 0.45) {
          log(`step ${step}: ${device.name} flush (tabs ${tabs.join(',')})`)
          for (const open of tabs) await device.call(open, 'flush')
          ledger.flushed(device.name)
        } else if (roll < 0.56) {
          log(`step ${step}: ${device.name} ${device.online ? 'offline' : 'online'}`)
          await device.setOnline(!device.online)
        } else if (roll < 0.65) {
          if (!features.faults) continue
          const faults = Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(BROWSER_FAULTS))
          counts.faults += faults.length
          log(`step ${step}: faults for ${device.name}'s next requests: ${faults.join(', ')}`)
          for (const fault of faults) server.queueFault(device.name, fault)
        } else if (roll < 0.70) {
          if (!features.streamFaults) continue
          const fault = pick(STREAM_FAULTS)
          const ms = 1000 + Math.floor(random() * 4000)
          counts.streamFaults++
          log(`step ${step}: ${device.name}'s event stream: ${fault}${fault === 'stream-cut' ? '' : ` for ${ms} ms`}`)
          server.streamFault(device.name, fault, ms)
        } else if (roll < 0.73) {
          if (!features.restarts) continue
          const delay = Math.floor(random() * 300)
          const down = 200 + Math.floor(random() * 1300)
          counts.restarts++
          log(`step ${step}: ${device.name} syncs, server restarted ${delay} ms later (down ${down} ms)`)
          await device.call(tab, 'syncNow')
          await sleep(delay)
          await server.restart(down)
        } else if (roll < 0.77) {
          if (!features.switches) continue
          const current = (await device.snapshot(tab)).signedIn ?? USERS[0]
          const next = current === USERS[0] ? USERS[1] : USERS[0]
          counts.switches++
          log(`step ${step}: ${device.name}#${tab} signs ${next} in (${current} leaves; other tabs follow by the storage event)`)
          device.usersSeen.add(next)
          if (random() < 0.3) {
            // Signed in and straight back out again, without waiting for the first switch to finish.
            log(`step ${step}: ${device.name}#${tab} signs ${current} back in at once`)
            counts.switches++
            const first = device.call(tab, 'switchUser', next)
            await device.call(tab, 'switchUser', current)
            await first
            await signedInEverywhere(device, current)
          } else {
            await device.call(tab, 'switchUser', next)
            await signedInEverywhere(device, next)
          }
        } else if (roll < 0.84) {
          if (!features.kills) continue
          counts.kills++
          const delay = Math.floor(random() * 300)
          const how = random()
          if (how < 0.3) {
            const edits = 1 + Math.floor(random() * 3)
            for (let i = 0; i < edits; i++) if (await edit(device, tab, step)) counts.edits++
            log(`step ${step}: ${device.name} browser killed ${delay} ms after those edits`)
          } else if (how < 0.55) {
            log(`step ${step}: ${device.name} online, browser killed ${delay} ms into a drain`)
            await device.setOnline(true)
            await device.call(tab, 'syncNow')
          } else if (how < 0.75 && features.switches) {
            const current = (await device.snapshot(tab)).signedIn ?? USERS[0]
            const next = current === USERS[0] ? USERS[1] : USERS[0]
            device.usersSeen.add(next)
            counts.switches++
            log(`step ${step}: ${device.name}#${tab} signs ${next} in, browser killed ${delay} ms into the switch`)
            void device.call(tab, 'switchUser', next).catch(() => {})
          } else if (how < 0.9) {
            log(`step ${step}: ${device.name} browser killed, relaunched and killed again ${delay} ms into its restore`)
            await device.kill()
            await device.launch({ waitReady: false })
            await sleep(150)
          } else log(`step ${step}: ${device.name} browser killed`)
          await sleep(delay)
          await device.kill()
          log(`step ${step}: ${device.name} relaunched on its profile`)
          await device.launch()
          await accountCrash(device, [0, 1])
        } else if (roll < 0.88) {
          if (!features.tabCrashes) continue
          counts.tabCrashes++
          log(`step ${step}: ${device.name}#${tab} renderer crash (Page.crash), reopened`)
          await device.crashTab(tab)
          if (device.openTabs().length === 0) await device.openTab(tab)
          else if (random() < 0.5) await device.openTab(tab)
          await accountCrash(device, [tab])
        } else if (roll < 0.91) {
          if (!features.tabs || tabs.length === 0) continue
          const delay = Math.floor(random() * 300)
          counts.tabCloses++
          log(`step ${step}: ${device.name}#${tab} closed ${delay} ms into a drain`)
          await device.call(tab, 'syncNow')
          await sleep(delay)
          await device.closeTab(tab)
          if (device.openTabs().length === 0) await device.openTab(tab)
          await accountCrash(device, [tab])
        } else if (roll < 0.94) {
          if (!features.tabs) continue
          const closed = [0, 1].filter((t) => !tabs.includes(t))
          if (closed.length === 0) continue
          const opening = closed[0]!
          log(`step ${step}: ${device.name} opens tab ${opening}`)
          await device.openTab(opening)
        } else {
          log(`step ${step}: ${device.name}#${tab} pull`)
          await device.call(tab, 'pullNow')
          // A person answers the conflict dialogs open in that tab (manual strategy).
          const resolved = await device.call(tab, 'resolveConflicts', choices())
          if (resolved > 0) log(`step ${step}: ${device.name}#${tab} resolved ${resolved} conflict(s)`)
        }
      } catch (error) {
        if (error instanceof TabGoneError) log(`step ${step}: ${error.message}`)
        else throw error
      }
    }

    const findings = await heal()
    return { seed, findings, trace, serverLog: [...server.log], counts, ms: Date.now() - started }
  } catch (error) {
    log(`the run itself failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
    return {
      seed,
      findings: [{ kind: 'stuck', detail: `the scenario could not go on: ${error instanceof Error ? error.message : String(error)}` }],
      trace,
      serverLog: [...server.log],
      counts,
      ms: Date.now() - started,
    }
  } finally {
    for (const device of devices) await device.dispose()
  }

  /**
   * One random edit in a tab: a new note, or a change or delete of a note the tab holds: one of the
   * device's own, or (shared records) any other, made by the other device or seeded.
   */
  async function edit(device: Device, tab: number, step: number): Promise<boolean> {
    const snapshot = await device.snapshot(tab)
    const user = snapshot.outboxUser ?? 'nobody'
    const ids = (notes: Note[]) => notes.map((note) => String(note.id)).sort()
    const own = ids(snapshot.records.filter((note) => note.owner === device.name))
    // The seeded notes first (both devices hold them from the start, so changes meet there most), else the other device's.
    const seeded = features.shared ? ids(snapshot.records.filter((note) => note.owner === 'seed')) : []
    const others = features.shared ? ids(snapshot.records.filter((note) => note.owner !== device.name)) : []
    const roll = random()
    const token = `${device.name}e${++tokenCounter}`
    const writer = `${device.name}#${tab}`
    const done = (what: string, id: string, result: EditResult) => {
      log(`step ${step}: ${writer} (${user}) ${what}${result.refused ? ` refused: ${result.refused}` : ''}`)
      for (const opId of result.opIds) ledger.opTouched(opId, device.name)
      if (result.refused === null && others.includes(id)) counts.sharedEdits++
      return result.refused === null
    }
    if (own.length + others.length === 0 || roll < 0.35) {
      const id = `${device.name}-n${++noteCounter}`
      const result = await device.call(tab, 'create', id, token)
      if (!result.refused) ledger.edited(device.name, writer, user, id, { [tokenField(token)]: 1 })
      return done(`create ${id} ${token}`, id, result)
    }
    const shared = others.length > 0 && (own.length === 0 || random() < 0.65)
    const id = shared ? pick(seeded.length > 0 && random() < 0.6 ? seeded : others) : pick(own)
    if (roll < 0.85) {
      const result = await device.call(tab, 'update', id, token)
      if (!result.refused) ledger.edited(device.name, writer, user, id, { [tokenField(token)]: 1 })
      return done(`update ${id} ${token}`, id, result)
    }
    const result = await device.call(tab, 'remove', id)
    if (!result.refused) ledger.deleted(device.name, user, id)
    return done(`delete ${id}`, id, result)
  }

  /** Faults off, every device running and online; each device visits every user it signed in until that outbox drains; then the checks. */
  async function heal(): Promise<BrowserFinding[]> {
    server.clearFaults()
    log('heal: faults off, every device running and online')
    for (const device of devices) {
      if (!device.running) {
        await device.launch()
        await accountCrash(device, [0, 1])
      }
      await device.setOnline(true)
    }
    for (const device of devices) {
      const tabs = device.openTabs()
      const current = (await device.snapshot(tabs[0]!)).signedIn ?? USERS[0]
      const visits = [...device.usersSeen].filter((user) => user !== current).concat(current)
      for (const user of visits) {
        if (user !== (await device.snapshot(tabs[0]!)).signedIn) {
          log(`heal: ${device.name} signs in as ${user} to drain that user's outbox`)
          await device.call(tabs[0]!, 'switchUser', user)
          await signedInEverywhere(device, user)
        }
        await drained(device)
      }
    }
    // The event streams: each device listens again, under its signed-in user only, once the faults are off.
    const streamProblems: BrowserFinding[] = []
    for (const device of devices) {
      const tabs = device.openTabs()
      const user = (await device.snapshot(tabs[0]!)).signedIn ?? USERS[0]
      const deadline = Date.now() + STREAM_TIMEOUT_MS
      let open = server.openStreams(device.name)
      while (Date.now() < deadline && !(open.includes(user) && open.every((other) => other === user))) {
        for (const tab of device.openTabs()) await device.call(tab, 'pullNow')
        await sleep(300)
        open = server.openStreams(device.name)
      }
      if (!open.includes(user)) streamProblems.push({ kind: 'stuck', detail: `${device.name} (${user}): no event stream open ${STREAM_TIMEOUT_MS} ms after the faults stopped (live pokes never came back)` })
      const foreign = open.filter((other) => other !== user)
      if (foreign.length > 0) streamProblems.push({ kind: 'stuck', detail: `${device.name} (${user}): event streams still open for ${foreign.join(', ')}, who signed out` })
    }
    const liveProblems = await liveCheck()
    // Every tab pulls until it shows what the server holds (or the time is up: the checks say what differs).
    const deadline = Date.now() + SETTLE_TIMEOUT_MS
    for (;;) {
      let settled = true
      for (const device of devices)
        for (const tab of device.openTabs()) {
          await device.call(tab, 'pullNow')
          if ((await device.call(tab, 'resolveConflicts', choices())) > 0) settled = false
          const snapshot = await device.snapshot(tab)
          const server = await serverRecords(snapshot.signedIn ?? USERS[0])
          if (stable(sortById(snapshot.records)) !== stable(server) || snapshot.ops.some((op) => op.status !== 'failed')) settled = false
        }
      if (settled || Date.now() > deadline) break
      await sleep(500)
    }
    const finals: FinalTab[] = []
    for (const device of devices) {
      for (const tab of device.openTabs()) await device.call(tab, 'flush')
      ledger.flushed(device.name)
      for (const tab of device.openTabs()) finals.push({ device: device.name, tab, snapshot: await device.snapshot(tab), storedOpIds: await device.call(tab, 'storedOpIds') })
    }
    for (const final of finals)
      log(`end: ${final.device}#${final.tab} ${final.snapshot.signedIn}: ${final.snapshot.records.length} notes, ops ${final.snapshot.ops.length}, phase ${final.snapshot.phase}${final.snapshot.errors.length ? `, errors: ${final.snapshot.errors.slice(-5).join(' | ')}` : ''}`)
    for (const device of devices) for (const event of device.events) log(`events ${device.name}: ${event}`)
    return [
      ...streamProblems,
      ...liveProblems,
      ...(await checkAll({
        ledger,
        pushed: server.pushed,
        applied: await server.appliedKeys(),
        serverApplications: server.applications,
        applications,
        serverIdOf: (scope, id) => server.applications.find((a) => a.scope === scope && a.kind === 'create' && a.sentId === id)?.recordId ?? id,
        serverIds,
        reports,
        serverRecords,
        tabs: finals,
      })),
    ]
  }

  /**
   * Live pokes after the faults: one device changes a note and the other, signed in as the same user (it
   * signs in first if it was not), must show it through its event stream (a poke, then its pull) without
   * being asked to pull, well within the periodic pull's 30 s.
   */
  async function liveCheck(): Promise<BrowserFinding[]> {
    const findings: BrowserFinding[] = []
    const [writer, reader] = devices as [Device, Device]
    const writerTab = writer.openTabs()[0]!
    const user = (await writer.snapshot(writerTab)).signedIn ?? USERS[0]
    const readerTabs = reader.openTabs()
    if ((await reader.snapshot(readerTabs[0]!)).signedIn !== user) {
      log(`heal: live check: ${reader.name} signs in as ${user}, as ${writer.name} is`)
      reader.usersSeen.add(user)
      await reader.call(readerTabs[0]!, 'switchUser', user)
      await signedInEverywhere(reader, user)
      await drained(reader)
    }
    const snapshot = await writer.snapshot(writerTab)
    const note = snapshot.records.map((record) => String(record.id)).sort()[0]
    const token = `${writer.name}e${++tokenCounter}`
    const result = note === undefined ? await writer.call(writerTab, 'create', `${writer.name}-n${++noteCounter}`, token) : await writer.call(writerTab, 'update', note, token)
    if (result.refused !== null) return findings
    const id = note ?? `${writer.name}-n${noteCounter}`
    ledger.edited(writer.name, `${writer.name}#${writerTab}`, user, id, { [tokenField(token)]: 1 })
    for (const opId of result.opIds) ledger.opTouched(opId, writer.name)
    log(`heal: live check: ${writer.name}#${writerTab} (${user}) ${note === undefined ? 'creates' : 'updates'} ${id} ${token}; ${reader.name} must show it by a poke`)
    await writer.call(writerTab, 'flush')
    ledger.flushed(writer.name)
    const carries = (records: readonly Note[]) => records.some((record) => tokenField(token) in record)
    const onServer = Date.now() + SETTLE_TIMEOUT_MS
    while (Date.now() < onServer && !carries(await server.records(user))) await sleep(100)
    const applied = Date.now()
    const seen = new Set<number>()
    while (Date.now() < applied + LIVE_TIMEOUT_MS && seen.size < readerTabs.length) {
      for (const tab of readerTabs) if (carries((await reader.snapshot(tab)).records)) seen.add(tab)
      await sleep(100)
    }
    for (const tab of readerTabs)
      if (!seen.has(tab))
        findings.push({ kind: 'stuck', detail: `${reader.name}#${tab} (${user}): ${token} on the server for ${LIVE_TIMEOUT_MS} ms and not shown: no poke reached it (event streams open: ${server.openStreams(reader.name).join(', ') || 'none'})` })
    log(`heal: live check: ${reader.name} showed ${token} in ${Date.now() - applied} ms`)
    return findings
  }

  async function serverRecords(user: string) {
    return sortById(await server.records(user))
  }

  /** Waits until every open tab of the device has `user`'s outbox restored. */
  async function signedInEverywhere(device: Device, user: string): Promise<void> {
    const deadline = Date.now() + SETTLE_TIMEOUT_MS
    while (Date.now() < deadline) {
      let done = true
      for (const tab of device.openTabs()) {
        const snapshot = await device.snapshot(tab)
        if (snapshot.outboxUser !== user || !snapshot.hydrated) done = false
      }
      if (done) return
      await sleep(100)
    }
    log(`${device.name}: not every tab signed ${user} in within ${SETTLE_TIMEOUT_MS} ms`)
  }

  /** Waits until no tab of the device has an operation waiting or in flight (a failed one does not wait). */
  async function drained(device: Device): Promise<void> {
    const deadline = Date.now() + SETTLE_TIMEOUT_MS
    while (Date.now() < deadline) {
      let busy = false
      for (const tab of device.openTabs()) {
        const snapshot = await device.snapshot(tab)
        if (snapshot.openConflicts > 0 && (await device.call(tab, 'resolveConflicts', choices())) > 0) busy = true
        if (!snapshot.hydrated || snapshot.inflight > 0 || snapshot.ops.some((op) => op.status === 'pending' || op.status === 'inflight')) busy = true
        if (busy) await device.call(tab, 'syncNow')
      }
      if (!busy) return
      await sleep(300)
    }
    log(`heal: ${device.name} did not drain in ${SETTLE_TIMEOUT_MS} ms`)
  }
}

function sortById<T extends { id: unknown }>(records: readonly T[]): T[] {
  return [...records].sort((a, b) => String(a.id).localeCompare(String(b.id)))
}
