/**
 * The protocol chaos suite: seeded random scenarios of 2–3 clients syncing through
 * `createSyncProtocolAdapter` (batch push, pull with `answered`, the live event stream) with the real
 * reference server (`createSyncServer` on PGlite, called in this process), with faults between them,
 * crashes, reloads and user switches, checked by test/chaos's oracle (lost, dup, diverged, stuck, orphans).
 *
 * `PROTOCOL_CHAOS_SEEDS=N` (and `PROTOCOL_CHAOS_FROM=S`) change the bounded set `npm test` runs;
 * `npm run chaos:protocol -- --seeds N` runs more; `npm run chaos:protocol -- --seed S --trace` replays one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SqlDriver } from '../../src/server'
import { Ledger } from '../chaos/ledger'
import { checkDup, checkLost } from '../chaos/oracle'
import { createScheduler } from '../chaos/scheduler'
import { COLLECTION, ObservedServer, openDatabase, SERVER_URL } from './observedServer'
import { EventTap } from './protocolFetch'
import { DEFAULT_PROTOCOL_FEATURES, generateProtocolScenario } from './protocolScenario'
import { replayProtocolCommand, runProtocolScenario, summarize } from './runProtocolScenario'

const SEEDS = Number(process.env.PROTOCOL_CHAOS_SEEDS ?? 20)
const FROM = Number(process.env.PROTOCOL_CHAOS_FROM ?? 1)

let db: SqlDriver
beforeAll(async () => {
  db = await openDatabase()
}, 60_000)
afterAll(async () => {
  await db?.close()
})

const failuresOf = (seed: number, findings: ReadonlyArray<{ kind: string; detail: string }>) =>
  findings.length === 0 ? [] : [`seed ${seed} (replay: ${replayProtocolCommand(seed)} --trace)\n${findings.map((f) => `    ${f.kind}: ${f.detail}`).join('\n')}`]

describe('the protocol chaos harness', () => {
  it('is deterministic: a seed always gives the same scenario and the same result', async () => {
    expect(generateProtocolScenario(7)).toEqual(generateProtocolScenario(7))
    const first = await runProtocolScenario(db, 7)
    const second = await runProtocolScenario(db, 7)
    expect(second).toEqual(first)
    expect(first.requests).toBeGreaterThan(0)
  }, 60_000)

  it('counts an operation the server applied as applied once, its replay not at all, and the same edit under a new key as a duplicate', async () => {
    const scheduler = createScheduler()
    const ledger = new Ledger()
    const server = await ObservedServer.start(db, scheduler, () => ledger.tick())
    try {
      await server.seedRecords('anon', [{ id: 'a', title: 'a' }])
      ledger.edited('c0', 'c0#0', 'anon', 'a', { t_x: 1 })
      ledger.flushed('c0')
      expect(checkLost(ledger, server, []).map((finding) => finding.kind)).toEqual(['lost'])
      const push = (key: string, baseVersion: number | null) => {
        const body = { clientId: 'c0', operations: [{ id: key, collection: COLLECTION, recordId: 'a', kind: 'update', data: { t_x: 1 }, baseVersion }] }
        const request = new Request(`${SERVER_URL}/sync/push`, { method: 'POST', headers: { Authorization: 'Bearer anon', 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
        return server.serve(request, 'anon', body)
      }
      expect((await (await push('c0-g1-op1', 1)).json()) as unknown).toMatchObject({ results: [{ id: 'c0-g1-op1', status: 200 }] })
      expect((await (await push('c0-g1-op1', 1)).json()) as unknown).toMatchObject({ results: [{ id: 'c0-g1-op1', status: 200 }] })
      expect(server.applications.map((a) => [a.key, a.tokens])).toEqual([['c0-g1-op1', ['x']]])
      expect(checkLost(ledger, server, [])).toEqual([])
      expect(checkDup(server)).toEqual([])
      expect(server.records('anon').get('a')).toMatchObject({ t_x: 1, version: 2 })
      // The same change under another key, without a base version: applied a second time.
      await push('c0-g1-op2', null)
      expect(checkDup(server).map((finding) => finding.detail)).toEqual([expect.stringContaining('edit x applied again to anon/a')])
      expect(server.unexplained).toEqual([])
    } finally {
      await server.close()
    }
  }, 60_000)
  it('loses the pokes it is told to and delivers the ones after them on the same stream; a cut ends the stream with an error', async () => {
    const encoder = new TextEncoder()
    const server = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const n of [1, 2, 3]) controller.enqueue(encoder.encode(`event: change\ndata: {"n":${n}}\n\n`))
      },
    })
    const tap = new EventTap()
    tap.losePokes = 1
    const reader = tap.wrap(server, createScheduler(), () => {}).getReader()
    const decoder = new TextDecoder()
    expect(decoder.decode((await reader.read()).value)).toContain('"n":2')
    expect(decoder.decode((await reader.read()).value)).toContain('"n":3')
    const next = reader.read()
    tap.cut()
    await expect(next).rejects.toThrow('the event stream was cut')
    expect([tap.lost, tap.cuts]).toEqual([1, 1])
  })
})

describe('the protocol chaos suite', () => {
  it('seed 104: a start-over pull whose stored answer confirms an update of a record deleted meanwhile leaves no deleted record behind', async () => {
    // A replayed create's answer started the pull over (no tombstones from no cursor); the same pull's
    // `answered` confirmed a lost update's answer, the record as it was: the sweep spared it (diverged=1;
    // now such a record goes when the feed no longer lists it: src/middleware/shared/resyncSweep.ts).
    // (Found before server-assigned ids and tabs were in the suite; seed 104 draws them now.)
    const result = await runProtocolScenario(db, 104, { ...DEFAULT_PROTOCOL_FEATURES, serverIds: false, tabs: false })
    expect(result.settledByPull).toBeGreaterThan(0)
    expect(result.findings).toEqual([])
  }, 60_000)

  it('seed 19 (long): an update confirmed just before a crash goes again after the reload with the base version it went with, not applied twice', async () => {
    // The confirmed record (v2) was stored, the update's record not yet deleted: the reload rebuilt the
    // update on v2 and sent it under its key with base version 2; the server refused the key with another
    // base version (422) and the change, retried under a new key, was applied twice (dup=1; now a sent
    // operation keeps the base version it went with: src/middleware/shared/sendableBatch.ts).
    const result = await runProtocolScenario(db, 19, { ...DEFAULT_PROTOCOL_FEATURES, long: true, maxSteps: 120, tabs: false })
    expect(result.findings).toEqual([])
  }, 60_000)

  it('seed 3005 (long, --no-live): a create confirmed just before a crash goes again after the reload without a base version, and the edits behind it are not applied twice', async () => {
    // The reload rebuilt the create on its stored record and sent it with base version 1: the server refused
    // the key (422), the create failed with the update queued behind it, and the update, retried under a new
    // key, was applied twice (dup=1; now a sent create keeps the base version it went with, none).
    const result = await runProtocolScenario(db, 3005, { ...DEFAULT_PROTOCOL_FEATURES, long: true, maxSteps: 200, live: false })
    expect(result.findings).toEqual([])
  }, 60_000)

  it('seed 738 (long, server ids): an edit kept by creating the record again under a new id, then deleted by its own client, is not lost', async () => {
    // c0 kept its edit of 2 ("keep mine" after a delete): created again, the server gave it 8; c0 then deleted
    // 8 itself. The oracle looked for that delete under 2 only and called the edit lost (test/chaos/oracle.ts
    // now maps the delete through every id the record had).
    const result = await runProtocolScenario(db, 738, { ...DEFAULT_PROTOCOL_FEATURES, long: true, maxSteps: 120 })
    expect(result.findings).toEqual([])
  }, 60_000)

  it(
    `${SEEDS} seeded scenarios with faults, crashes, reloads, tabs, user switches, live pokes and every strategy: lost=0 dup=0 diverged=0 stuck=0 orphans=0`,
    async () => {
      const failures: string[] = []
      const totals = { lost: 0, dup: 0, diverged: 0, stuck: 0, orphans: 0 }
      for (let seed = FROM; seed < FROM + SEEDS; seed++) {
        const result = await runProtocolScenario(db, seed)
        const counts = summarize(result.findings)
        for (const kind of Object.keys(totals) as Array<keyof typeof totals>) totals[kind] += counts[kind]
        failures.push(...failuresOf(seed, result.findings))
      }
      expect(failures.join('\n')).toBe('')
    },
    600_000,
  )
})
