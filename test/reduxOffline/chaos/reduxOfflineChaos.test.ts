/**
 * A randomised property suite for rtk-offline/redux-offline, in the style of test/query/chaos/: random
 * scenarios of redux-offline actions with effects (creates, updates and deletes of todos; some made to be
 * refused, so the default `discard` gives them up and their rollback runs; some dispatched in one tick), the
 * network going off and on, server faults (503, 401, an answer dropped after the change was applied, slow
 * answers that outlast the request timeout), reloads (a crash without flushing, a few turns after a dispatch
 * or at rest, or a close after a flush, or a crash while the first page restores and imports) of one page or
 * two tabs on one IndexedDB, an old redux-offline outbox imported at start, and an app that restores its own
 * state (REHYDRATE a few turns after loading, `holdUntil` waiting for it), against an idempotent MSW todo server
 * (./todoServer.ts). At every rest no page's reducers got two settlements of one action, nor one before the
 * app's state was restored. At the end everything heals and these must hold:
 *
 * 1. exactly-once: each action's effect is applied once per Idempotency-Key and per action, never twice;
 * 2. nothing lost: each action stored before a crash (or dispatched in a page that did not crash) reached the
 *    server, or was refused and its rollback dispatched;
 * 3. settled once: what the app's reducers received matches the server: an applied action committed, a refused
 *    one rolled back, never both; every open page settled each action it had queued exactly once; a page that
 *    closed after a flush settled nothing its next load settles again (after a crash a repeat is allowed, and
 *    counted: the settlement may not have been stored);
 * 4. order: effects first reach the server, and apply, in the order their actions were dispatched;
 * 5. no stuck work: nothing pending or queued in any open page.
 *
 * `REDUX_OFFLINE_CHAOS_RUNS=N` (default 60) and `REDUX_OFFLINE_CHAOS_SEED=S` run more or other scenarios; a
 * failure prints the shrunk scenario and its trace (put it in regressions.test.ts to keep it; replay.test.ts
 * replays one with every page's actions listed).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { useMswServer } from '../../support/mswServer'
import { createClock } from '../../query/chaos/clock'
import { runScenario, type Env, type ScenarioResult } from './runScenario'
import { scenario } from './scenario'
import { createTodoServer } from './todoServer'

const RUNS = Number(process.env.REDUX_OFFLINE_CHAOS_RUNS ?? 60)
const SEED = Number(process.env.REDUX_OFFLINE_CHAOS_SEED ?? 20261201)

/** A note without its page and ids, so the same note of many runs is counted once. */
const shapeOf = (note: string) => note.replace(/g\d+(-op\d+|-q\d+)?/g, 'g').replace(/(no-)?[a-z]\d+/g, '<token>')

const env: Env = { clock: createClock(), works: new Map() }
const server = createTodoServer(env)
useMswServer(...server.handlers)

describe('rtk-offline/redux-offline under random faults, crashes and tabs', () => {
  it(
    `keeps exactly-once, loses nothing, settles each action once, keeps order and leaves nothing stuck (${RUNS} scenarios, seed ${SEED})`,
    async () => {
      const consoleError = console.error
      const consoleWarn = console.warn
      const captured: string[] = []
      console.error = console.warn = (...args: unknown[]) => void captured.push(args.map(String).join(' ').slice(0, 200))
      const totals: ScenarioResult['stats'] = { actions: 0, applied: 0, refused: 0, forgiven: 0, imported: 0, crashes: 0, reloads: 0, resettled: 0, failed: 0, dropped: 0, slowed: 0 }
      let last: ScenarioResult | null = null
      const notes = new Map<string, number>()
      try {
        await fc.assert(
          fc.asyncProperty(scenario, async (drawn) => {
            last = await runScenario(drawn, server, env)
            for (const key of Object.keys(totals) as Array<keyof typeof totals>) totals[key] += last.stats[key]
            for (const note of last.notes.map(shapeOf)) notes.set(note, (notes.get(note) ?? 0) + 1)
            if (last.findings.length > 0) throw new Error(`${last.findings.join('\n')}\n--- trace ---\n${last.trace.join('\n')}`)
          }),
          { numRuns: RUNS, seed: SEED, endOnFailure: false },
        )
      } finally {
        console.error = consoleError
        console.warn = consoleWarn
      }
      console.info(`redux-offline chaos: ${RUNS} scenarios`, totals, [...notes].map(([note, count]) => `${count}x ${note}`), [...new Set(captured)].slice(0, 5))
      expect(last).not.toBeNull()
    },
    Math.max(120_000, RUNS * 5_000),
  )
})
