/**
 * Replays one scenario by hand, with every page's actions listed: skipped unless
 * `REDUX_OFFLINE_CHAOS_REPLAY` holds a scenario's JSON (as a failure of reduxOfflineChaos.test.ts prints it).
 *
 * ```sh
 * REDUX_OFFLINE_CHAOS_REPLAY='{"pages":2,...}' RO_CHAOS_DEBUG=1 npx vitest run test/reduxOffline/chaos/replay.test.ts
 * ```
 * `RO_CHAOS_DEBUG=N` cuts each payload and meta at N characters (300 by default).
 */
import { expect, it } from 'vitest'
import { useMswServer } from '../../support/mswServer'
import { createClock } from '../../query/chaos/clock'
import { runScenario, type Env } from './runScenario'
import type { Scenario } from './scenario'
import { createTodoServer } from './todoServer'

const env: Env = { clock: createClock(), works: new Map() }
const server = createTodoServer(env)
useMswServer(...server.handlers)

const replayed = process.env.REDUX_OFFLINE_CHAOS_REPLAY

it.skipIf(!replayed)('replays REDUX_OFFLINE_CHAOS_REPLAY, listing what each page saw', async () => {
  const journal: string[] = []
  ;(globalThis as { roChaosJournal?: string[] }).roChaosJournal = journal
  const result = await runScenario(JSON.parse(replayed!) as Scenario, server, env, { beforeRestore: process.env.RO_CHAOS_WAIT ? 'wait' : 'at-once' })
  console.info(
    ['--- findings ---', ...result.findings, '--- trace ---', ...result.trace, '--- notes ---', ...result.notes, '--- server ---', `arrivals ${server.arrivals.join(' ')}`, ...journal].join('\n'),
  )
  expect(result.findings).toEqual([])
})
