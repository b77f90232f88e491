/**
 * The scale path (issue 11): two server processes on one PostgreSQL, clients spread over them, faults
 * injected from a seed (requests dropped before the server, answers lost after it applied them,
 * delays, and one instance killed with SIGKILL mid-drain and started again), then a check that every
 * operation was applied exactly once, none was lost, every client's view equals the server's records,
 * and live pokes cross instances (LISTEN/NOTIFY).
 *
 * Runs only with a database: `RTK_OFFLINE_TEST_DATABASE_URL=postgres://… npm run test:scale` (which fails
 * without it; `npm test` skips this file then). It works in its own schema (dropped and made again), so it
 * may share a database with the server's suite.
 * RTK_OFFLINE_SCALE_SEED (default 11) and RTK_OFFLINE_SCALE_CHANGES (changes per client, default 500)
 * vary the run; RTK_OFFLINE_SCALE_VERBOSE=1 prints a timeline and every push.
 */
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createScaleClient, SHARED_IDS, type ScaleClient } from './scaleClient'
import { startServerProcess, type ServerProcess } from './serverProcess'

/**
 * JSON with every object's keys sorted: a record is the same whatever order its keys came in (PostgreSQL's
 * jsonb keeps them by length, a push answer built in JavaScript in the order it wrote them).
 */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  )

const PG_URL = process.env.RTK_OFFLINE_TEST_DATABASE_URL || undefined
const SEED = Number(process.env.RTK_OFFLINE_SCALE_SEED ?? 11)
const CHANGES = Number(process.env.RTK_OFFLINE_SCALE_CHANGES ?? 500)
const SCHEMA = 'rtk_scale_two_instances'
const SCOPE = 'team'
const FAULTS = { dropBefore: 0.1, dropAfter: 0.15, delay: 0.2, maxDelayMs: 40 }

if (!PG_URL)
  console.info('two instances: skipped (set RTK_OFFLINE_TEST_DATABASE_URL to a PostgreSQL database and run `npm run test:scale`).')

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Polls `check` until it holds, or fails with `what` after `timeoutMs`. */
async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 5): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(everyMs)
  }
}

interface RecordRow {
  collection: string
  id: string
  data: Record<string, unknown> | null
  version: number
}
interface IdempotencyRow {
  key: string
  status: number | null
  result: { status: number; record?: { id?: string; version?: number } | null } | null
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
const figure = (n: number) => n.toLocaleString('en-US')

describe.skipIf(!PG_URL)('two server instances on one PostgreSQL (needs RTK_OFFLINE_TEST_DATABASE_URL)', () => {
  let admin: pg.Pool
  const servers: ServerProcess[] = []
  const clients: ScaleClient[] = []

  beforeAll(async () => {
    admin = new pg.Pool({ connectionString: PG_URL, max: 2 })
    await admin.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`)
    await admin.query(`CREATE SCHEMA ${SCHEMA}`)
    // Both start at once: their migrations take turns on the advisory lock.
    servers.push(
      ...(await Promise.all(['A', 'B'].map((name) => startServerProcess(name, { databaseUrl: PG_URL!, schema: SCHEMA })))),
    )
  }, 60_000)

  afterAll(async () => {
    for (const client of clients) client.stop()
    await Promise.all(servers.map((server) => server.stop()))
    await admin?.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`)
    await admin?.end()
  })

  it('applies every operation exactly once, loses none, converges, and pokes across instances under faults and a restart', async () => {
    const [a, b] = servers as [ServerProcess, ServerProcess]
    // The shared records, made once through instance A.
    for (const id of SHARED_IDS) {
      const response = await fetch(`${a.baseUrl}/shared`, {
        method: 'POST',
        headers: { Authorization: `Bearer seeder@${SCOPE}`, 'Content-Type': 'application/json', 'Idempotency-Key': `seed-${id}` },
        body: JSON.stringify({ id, count: 0 }),
      })
      expect(response.status).toBe(201)
    }

    const layout = [
      { name: 'p1', kind: 'protocol', server: a },
      { name: 'p2', kind: 'protocol', server: b },
      { name: 'p3', kind: 'protocol', server: a },
      { name: 'p4', kind: 'protocol', server: b },
      { name: 'r1', kind: 'rest', server: a },
      { name: 'r2', kind: 'rest', server: b },
    ] as const
    const onServer = new Map<ScaleClient, ServerProcess>()
    layout.forEach(({ name, kind, server }, index) => {
      const client = createScaleClient({ name, kind, baseUrl: server.baseUrl, scope: SCOPE, seed: SEED * 100 + index, faults: FAULTS })
      clients.push(client)
      onServer.set(client, server)
    })
    // Each client starts with the shared records (its first pull).
    await until('the first pulls', () => clients.every((client) => client.sharedView().length === SHARED_IDS.length), 20_000)

    const started = performance.now()
    const timeline: string[] = []
    const mark = (what: string) => timeline.push(`${((performance.now() - started) / 1000).toFixed(1)} s ${what}`)
    const total = CHANGES * clients.length
    const onB = clients.filter((client) => onServer.get(client) === b)
    // Mid-drain: once B's clients have sent 40% of their changes and one of them has a request in flight,
    // kill B (SIGKILL: its transactions die with their connections) and start it again on its port.
    let restarts = 0
    const sentOnB = () => onB.reduce((sum, client) => sum + client.sent.size, 0)
    const chaos = (async () => {
      await until('a request in flight on B', () => sentOnB() >= CHANGES * onB.length * 0.4 && onB.some((client) => client.status().inflight > 0), 60_000, 1)
      mark('B killed')
      await b.kill()
      await sleep(300)
      await b.restart()
      restarts++
    })()
    void chaos.then(() => mark('B restarted'))
    await Promise.all(clients.map((client) => client.run(CHANGES).then(() => mark(`${client.name} made its changes`))))
    await chaos

    // Faults stop; every client drains and pulls until all are quiet and agree with the server.
    const faultsStoppedAt = performance.now()
    for (const client of clients) client.faulty.enabled = false
    const serverState = async () => {
      const { rows } = await admin.query<RecordRow>(
        `SELECT collection, id, data, version FROM ${SCHEMA}.rtk_offline_records WHERE scope = $1`,
        [SCOPE],
      )
      return rows
    }
    const live = (rows: RecordRow[], collection: string) =>
      rows
        .filter((row) => row.collection === collection && row.data !== null)
        .map((row) => row.data as { id: string })
        .sort(byId)
    const quiet = new Set<ScaleClient>()
    /** Notes in the timeline when a client is first quiet; always true. */
    const firstQuiet = (client: ScaleClient) => {
      if (!quiet.has(client)) {
        quiet.add(client)
        mark(`${client.name} quiet`)
      }
      return true
    }
    const agrees = async () => {
      for (const client of clients) client.kick()
      await sleep(20)
      await until('every client to be quiet', () => clients.filter((client) => client.isQuiet() && firstQuiet(client)).length === clients.length, 90_000, 20)
      const rows = await serverState()
      const items = canonical(live(rows, 'items'))
      const shared = canonical(live(rows, 'shared'))
      return clients.every(
        (client) =>
          client.isQuiet() &&
          canonical([...client.itemView()].sort(byId)) === items &&
          canonical([...client.sharedView()].sort(byId)) === shared,
      )
    }
    const disagreement = async () => {
      const rows = await serverState()
      const server = new Map([...live(rows, 'items'), ...live(rows, 'shared')].map((record) => [record.id, canonical(record)]))
      return clients
        .map((client) => {
          const view = new Map([...client.itemView(), ...client.sharedView()].map((record) => [record.id, canonical(record)]))
          const differ = [...new Set([...server.keys(), ...view.keys()])].filter((id) => server.get(id) !== view.get(id))
          const ops = client.sync.selectors.selectOps(client.store.getState()).slice(0, 3)
          return `${client.name}: ${JSON.stringify(client.status())} pull ${JSON.stringify(client.sync.selectors.selectPullProgress(client.store.getState()).entities)}; ${differ.length} records differ: ${differ
            .slice(0, 3)
            .map((id) => `${id} server ${server.get(id)} client ${view.get(id)}`)
            .join(' | ')}; pulls of ${differ[0]}: ${JSON.stringify(client.pulls.filter((pull) => pull.changes.some((change) => change.startsWith(`${differ[0]}@`))))}; last pulls ${client.pulls.filter((pull) => pull.entity === 'items').slice(-30).map((pull) => `${pull.since}→${pull.cursor}${pull.hasMore ? '+' : ''}:${pull.changes.length}`).join(' ')}; ops ${JSON.stringify(ops)}; errors ${client.errors.slice(0, 3).map(String).join(' | ')}`
        })
        .join('\n')
    }
    await until('every client to drain and agree with the server', agrees, 100_000, 50).catch(async (error: Error) => {
      throw new Error(`${error.message}\n${timeline.join('; ')}\n${await disagreement()}`)
    })
    const converged = performance.now()

    // Every client's view is the server's records.
    const rows = await serverState()
    for (const client of clients) {
      expect(client.status(), client.name).toMatchObject({ pending: 0, inflight: 0, failed: 0, conflicts: 0 })
      expect([...client.itemView()].sort(byId), client.name).toEqual(live(rows, 'items'))
      expect([...client.sharedView()].sort(byId), client.name).toEqual(live(rows, 'shared'))
    }

    // Exactly once: each applied write (a 200/201 stored under its idempotency key) gave its record the
    // next version, so a record at version v has exactly the applied writes 1…v, one each. A write
    // applied twice, or applied without its row, breaks this.
    const { rows: answers } = await admin.query<IdempotencyRow>(
      `SELECT key, status, result FROM ${SCHEMA}.rtk_offline_idempotency WHERE scope = $1`,
      [SCOPE],
    )
    const versions = new Map<string, number[]>()
    for (const answer of answers) {
      if (answer.status !== 200 && answer.status !== 201) continue
      const id = String(answer.result?.record?.id)
      versions.set(id, [...(versions.get(id) ?? []), Number(answer.result?.record?.version)])
    }
    let duplicates = 0
    let lost = 0
    const problems: string[] = []
    for (const row of rows) {
      const applied = (versions.get(row.id) ?? []).sort((x, y) => x - y)
      const expected = Array.from({ length: row.version }, (_, index) => index + 1)
      if (JSON.stringify(applied) !== JSON.stringify(expected)) {
        duplicates += Math.max(1, Math.abs(row.version - new Set(applied).size), applied.length - new Set(applied).size)
        problems.push(`${row.collection}/${row.id} is at version ${row.version} but its applied writes carry versions ${applied.join(',')}`)
      }
    }

    // No operation lost: every operation a client sent has a stored answer (applied, or a decided
    // refusal); each client's own records hold exactly what it last wrote; each shared counter holds
    // every client's increments, once each.
    const answered = new Map(answers.map((answer) => [answer.key, answer]))
    for (const client of clients)
      for (const id of client.sent) {
        const answer = answered.get(id)
        if (!answer || answer.status === null || answer.status >= 500) {
          lost++
          problems.push(`${client.name}'s operation ${id} has no stored answer (${answer?.status ?? 'no row'})`)
        }
      }
    const recordOf = new Map(rows.map((row) => [`${row.collection}/${row.id}`, row]))
    for (const client of clients)
      for (const [id, wanted] of client.intent.items) {
        const data = recordOf.get(`items/${id}`)?.data ?? null
        const holds = data === null ? null : { n: data.n, note: data.note }
        if (JSON.stringify(holds) !== JSON.stringify(wanted)) {
          lost++
          problems.push(`items/${id}: ${client.name} last wrote ${JSON.stringify(wanted)}, the server holds ${JSON.stringify(holds)}`)
        }
      }
    for (const id of SHARED_IDS) {
      const data = recordOf.get(`shared/${id}`)!.data!
      let sum = 0
      for (const client of clients) {
        const mine = client.intent.increments.get(id) ?? 0
        sum += mine
        const held = Number(data[`by_${client.name}`] ?? 0)
        if (held !== mine) problems.push(`shared/${id}: by_${client.name} is ${held}, ${client.name} incremented it ${mine} times`)
      }
      const count = Number(data.count)
      if (count > sum) duplicates += count - sum
      if (count < sum) lost += sum - count
      if (count !== sum) {
        const chain = answers
          .filter((answer) => answer.result?.record?.id === id && (answer.status === 200 || answer.status === 201))
          .map((answer) => ({ key: answer.key, record: answer.result!.record as Record<string, unknown> }))
          .sort((x, y) => Number(x.record.version) - Number(y.record.version))
        const steps = chain.map(({ key, record }, index) => {
          const before = index === 0 ? 0 : Number(chain[index - 1]!.record.count)
          const op = clients.map((client) => client.sharedOps.get(key)).find(Boolean)
          return `v${String(record.version)} ${key} count ${before}→${String(record.count)}${Number(record.count) - before === 1 || index === 0 ? '' : ' !!'} sent ${JSON.stringify(op)}`
        })
        problems.push(`shared/${id}: count is ${count}, the clients incremented it ${sum} times:\n${steps.join('\n')}`)
      }
    }
    expect(problems).toEqual([])
    expect({ duplicates, lost }).toEqual({ duplicates: 0, lost: 0 })

    // Live pokes cross instances: with no periodic pull, a client learns of another's change only from
    // a poke. A change written through A reaches the live clients of B, and the other way round.
    const liveOn = (server: ServerProcess) => clients.filter((client) => client.kind === 'protocol' && onServer.get(client) === server)
    for (const [writer, readers] of [
      [liveOn(a)[0]!, liveOn(b)],
      [liveOn(b)[0]!, liveOn(a)],
    ] as const) {
      const id = writer.createItem()
      await until(`${id} (written through ${onServer.get(writer)!.name}) to reach the clients of the other instance`, () =>
        readers.every((reader) => reader.itemView().some((item) => item.id === id)),
        15_000,
      )
    }

    const counts = clients.map((client) => client.faulty.counts)
    const faults = counts.reduce((sum, count) => sum + count.dropBefore + count.dropAfter + count.delay, 0)
    const sum = (key: 'dropBefore' | 'dropAfter' | 'delay') => counts.reduce((total, count) => total + count[key], 0)
    const operations = clients.reduce((total, client) => total + client.sent.size, 0)
    const conflicts = answers.filter((answer) => answer.status === 412).length
    const pokes = clients.reduce((total, client) => total + client.live.pokes, 0)
    console.info(
      `two instances: ${clients.length} clients (4 batch + live, 2 REST) on 2 instances, ${figure(total)} changes, ` +
        `${figure(operations)} operations (${figure(conflicts)} conflicts merged), ${figure(faults)} faults ` +
        `(${sum('dropBefore')} dropped, ${sum('dropAfter')} answers lost, ${sum('delay')} delayed), ${restarts} restart (kill -9), ` +
        `${duplicates} duplicates, ${lost} lost, ${figure(pokes)} pokes, converged in ${((converged - started) / 1000).toFixed(1)} s ` +
        `(drain after faults ${((converged - faultsStoppedAt) / 1000).toFixed(1)} s), seed ${SEED}`,
    )
    if (process.env.RTK_OFFLINE_SCALE_VERBOSE) {
      console.info(timeline.join('\n'))
      for (const client of clients)
        console.info(`${client.name} pushes: ${client.pushes.map((push) => `${((push.at - started) / 1000).toFixed(1)}s+${Math.round(push.ms)}ms:${push.ops}[${[...new Set(push.outcomes.split(','))].join('/')}]`).join(' ')}`)
    }
    if (servers.some((server) => server.errors.length > 0)) console.info(`server stderr:\n${servers.flatMap((server) => server.errors).join('\n')}`)
  }, 150_000)
})
