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
    const scenario: Scenario = { pages: 2, online: false, existing: 0, old: 1, startCrash: null, steps: [{ t: 'update', page: 0, pick: 0, refuse: false, together: true }] }
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
      startCrash: null,
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
})
