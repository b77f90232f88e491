/**
 * Shrunk counterexamples the property suite (reduxOfflineChaos.test.ts) found, kept as named cases. Each runs
 * the scenario as the suite does and expects no broken property.
 */
import { describe, expect, it } from 'vitest'
import { useMswServer } from '../../support/mswServer'
import { createClock } from '../../query/chaos/clock'
import { runScenario, type Env } from './runScenario'
import type { Scenario } from './scenario'
import { createTodoServer } from './todoServer'

const env: Env = { clock: createClock(), works: new Map() }
const server = createTodoServer(env)
useMswServer(...server.handlers)

describe('rtk-offline/redux-offline: shrunk counterexamples of the property suite', () => {
  it('two tabs that start at once import the old outbox once: its effects run once, each action settled once per tab', async () => {
    // Both pages import at start (as the guide says); each read the old key before the other had queued
    // anything, and queued every action under an operation of its own: o1's create ran twice (the second
    // refused 409 here, so both tabs got o1's commit and its rollback).
    const scenario: Scenario = { pages: 2, online: false, existing: 0, old: 1, startCrash: null, rehydrateAfter: null, steps: [{ t: 'update', page: 0, pick: 0, refuse: false, together: true }] }
    const result = await runScenario(scenario, server, env)
    expect(result.findings).toEqual([])
    expect(server.applications.filter((application) => application.token === 'o1')).toHaveLength(1)
  })

  it('after a reload, an action waits for the older ones whose retry is not due yet, instead of running before them', async () => {
    // t2's answer is dropped (applied): t2 waits 50 ms to retry, t3 waits behind it, t4 is queued; the page
    // crashes. The next load sends what is due (t1, its confirmation not stored, and t4, never tried) and
    // t4 ran before t2 and t3: queueOrder held a batch back only when its *first* item had an older one waiting.
    const scenario: Scenario = {
      pages: 1,
      online: true,
      existing: 0,
      old: 0,
      startCrash: null, rehydrateAfter: null,
      steps: [
        { t: 'create', page: 0, refuse: false, together: true },
        { t: 'fault', fault: { kind: 'drop' } },
        { t: 'update', page: 0, pick: 0, refuse: false, together: false },
        { t: 'update', page: 0, pick: 0, refuse: false, together: false },
        { t: 'create', page: 0, refuse: false, together: false },
        { t: 'reload', page: 0, flush: false, turns: 0 },
        { t: 'advance', ms: 1 },
      ],
    }
    const result = await runScenario(scenario, server, env)
    expect(result.findings).toEqual([])
    expect(server.arrivals).toEqual(['t1', 't2', 't3', 't4'])
  })

  it('holdUntil with tabs: a tab that loads while another sends gets no commit before its own state is restored', async () => {
    // g1 sends t3 while g3 (in g2's place) is loading: g3 is held until its REHYDRATE, yet the commit g1's
    // settlement brought reached g3's reducers before it (the hold paused sending, and g3 sends nothing,
    // but another tab's settlements still arrive); redux-persist's REHYDRATE would then overwrite it.
    const scenario: Scenario = {
      pages: 2,
      online: true,
      existing: 0,
      old: 0,
      startCrash: null,
      rehydrateAfter: 30,
      steps: [
        { t: 'create', page: 0, refuse: false, together: false },
        { t: 'create', page: 0, refuse: false, together: false },
        { t: 'reload', page: 1, flush: false, turns: 0 },
        { t: 'create', page: 0, refuse: false, together: true },
      ],
    }
    const result = await runScenario(scenario, server, env)
    expect(result.findings).toEqual([])
  })
})

describe('rtk-offline engine (src/persist): found by the redux-offline suite', () => {
  // Fixed in src/persist (the restore asks the live tabs for their seq counters before numbering); it was:
  // Tab g2 queues t1 and t2 (t2's operation record not stored yet: the write is throttled) and crashes; the
  // live tab g1 holds both. g3 loads in g2's place, claims the seq slot g2 held, and queues t3 before its
  // restore is done. The restore renumbers t3's operation from the highest seq *storage* holds (t1's), so
  // t3 gets counter 2 in that slot: the seq t2 has in g1. g1's answer to g3's hello brings t2 under that seq:
  // the outbox (keyed by seq) keeps one operation, and t3 stays in the queue's view with no operation, never
  // sent (Durability invariant 2: ordering keys unique by construction).
  it('a tab that loads in place of a crashed one and queues an action before its restore keeps that action (its seq does not clash with the crashed tab\'s unstored ones)', async () => {
    const scenario: Scenario = {
      pages: 2,
      online: false,
      existing: 1,
      old: 0,
      startCrash: null,
      rehydrateAfter: null,
      steps: [
        { t: 'update', page: 1, pick: 0, refuse: false, together: false },
        { t: 'update', page: 1, pick: 0, refuse: false, together: true },
        { t: 'reload', page: 1, flush: false, turns: 0 },
        { t: 'update', page: 1, pick: 0, refuse: false, together: true },
      ],
    }
    const result = await runScenario(scenario, server, env, { beforeRestore: 'at-once' })
    expect(result.findings).toEqual([])
  })
})
