/**
 * Shrunk counterexamples the property suite (queryChaos.test.ts) found, kept as named cases. Each runs the
 * scenario as the suite does and expects no broken property.
 */
import { describe, expect, it } from 'vitest'
import { useMswServer } from '../../support/mswServer'
import { createClock } from './clock'
import { runQueryScenario, type Env } from './runQueryScenario'
import type { Scenario } from './scenario'
import { createTodoServer } from './todoServer'

const env: Env = { clock: createClock(), works: new Map() }
const server = createTodoServer(env)
useMswServer(...server.handlers)

describe('rtk-offline/query: shrunk counterexamples of the property suite', () => {
  it('a tab that reloads after the server applied a queued add, and sees another tab confirm it, does not show the todo twice (its list is fetched again)', async () => {
    // The server applies the add, its answer is lost with the page that sent it (g1 crashes); g3 loads,
    // fetches the list (with the todo) and replays the still-queued add on top; g2 sends it again and the
    // stored answer confirms it. g3 ran no mutation, so no tags refetch its list there.
    const scenario: Scenario = {
      pages: 2,
      online: true,
      existing: 0,
      steps: [
        { t: 'fault', fault: { kind: 'drop' } },
        { t: 'add', page: 0, refuse: false, together: false },
        { t: 'reload', page: 0, flush: false, turns: 0 },
      ],
    }
    const result = await runQueryScenario(scenario, server, env)
    expect(result.findings).toEqual([])
  })

  it('the same with a slow answer (applied at once, answered 50 ms later) instead of a dropped one', async () => {
    const scenario: Scenario = {
      pages: 2,
      online: false,
      existing: 0,
      steps: [
        { t: 'online', online: true },
        { t: 'fault', fault: { kind: 'slow', ms: 50, applyFirst: true } },
        { t: 'add', page: 0, refuse: false, together: false },
        { t: 'reload', page: 0, flush: false, turns: 0 },
      ],
    }
    const result = await runQueryScenario(scenario, server, env)
    expect(result.findings).toEqual([])
  })

  it('a tab whose list read left before another tab\'s mutation was applied, and came back after its confirmation, fetches the list again', async () => {
    // g1 queues an add offline and crashes; g3's first read of the list is slow and brings the list as it was
    // (empty); meanwhile, online, g2 sends the add and g3 sees it confirmed while that read is still under way.
    const scenario: Scenario = {
      pages: 2,
      online: false,
      existing: 0,
      steps: [
        { t: 'add', page: 0, refuse: false, together: false },
        { t: 'slowRead', ms: 50 },
        { t: 'reload', page: 0, flush: false, turns: 0 },
      ],
    }
    const result = await runQueryScenario(scenario, server, env)
    expect(result.findings).toEqual([])
  })

  it('a page whose list was fetched after the server applied its queued add does not show the todo twice once the add is confirmed, while a later mutation waits offline', async () => {
    // The add's answer comes 50 ms late; meanwhile a toggle is queued and the list refetched (the add applied,
    // and its recipe on top: twice, while it waits). Offline, the answer comes: the recipe is folded into that
    // base, and the refetch the add's tags cause waits for the toggle's trigger, pending while it is queued.
    const scenario: Scenario = {
      pages: 1,
      online: false,
      existing: 0,
      steps: [
        { t: 'fault', fault: { kind: 'slow', ms: 50, applyFirst: true } },
        { t: 'add', page: 0, refuse: false, together: false },
        { t: 'online', online: true },
        { t: 'toggle', page: 0, pick: 0, refuse: false, together: false },
        { t: 'refetch', page: 0 },
        { t: 'online', online: false },
        { t: 'advance', ms: 50 },
      ],
    }
    const result = await runQueryScenario(scenario, server, env)
    expect(result.findings).toEqual([])
  })
})
