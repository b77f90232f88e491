/**
 * A randomised property suite for rtk-offline/query: random scenarios of triggered mutations (add, rename,
 * toggle; some made to be refused; some in one tick), the network going off and on, server faults (503, 401,
 * an answer dropped after the change was applied, slow answers that outlast the request timeout, slow list
 * reads), refetches, retryFailed/discardFailed, and reloads (a crash without flushing, a few turns after a
 * click or at rest, or a close after a flush) of one page or two tabs on one IndexedDB, against an idempotent
 * MSW todo server (test/query/chaos/todoServer.ts). At every rest, a refused mutation's change must be gone
 * from a page once it no longer waits there. At the end everything heals and these must hold:
 *
 * 1. exactly-once: each mutation triggered and not refused is applied once (per Idempotency-Key and per token);
 * 2. nothing lost: none is missing from the server (unless a crash took it before it was stored), and each
 *    refused one is listed as failed or was discarded;
 * 3. convergence: every open page's list equals the server's once idle (before any refetch the test asks
 *    for) and after a final refetch;
 * 4. no stuck work: nothing pending, and every trigger made in a page still open has settled, with the
 *    server's verdict.
 *
 * `QUERY_CHAOS_RUNS=N` (default 60) and `QUERY_CHAOS_SEED=S` run more or other scenarios; a failure prints
 * the shrunk scenario and its trace (put it in regressions.test.ts to replay it).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { useMswServer } from '../../support/mswServer'
import { createClock } from './clock'
import { runQueryScenario, type Env } from './runQueryScenario'
import { scenario } from './scenario'
import { createTodoServer } from './todoServer'

const RUNS = Number(process.env.QUERY_CHAOS_RUNS ?? 60)
const SEED = Number(process.env.QUERY_CHAOS_SEED ?? 20261201)

/** A note without its page and ids, so the same error of many runs is counted once. */
const shapeOf = (note: string) => note.replace(/^g\d+: /, '').replace(/g\d+-(op|m)\d+/g, '<id>').replace(/step \d+/, 'step N').replace(/g\d+ shows n\d+/, 'a page shows a todo')

const env: Env = { clock: createClock(), works: new Map() }
const server = createTodoServer(env)
useMswServer(...server.handlers)

describe('rtk-offline/query under random faults, crashes and tabs', () => {
  it(
    `keeps exactly-once, loses nothing, converges and leaves nothing stuck (${RUNS} scenarios, seed ${SEED})`,
    async () => {
      const consoleError = console.error
      const consoleWarn = console.warn
      const captured: string[] = []
      console.error = console.warn = (...args: unknown[]) => void captured.push(args.map(String).join(' ').slice(0, 200))
      const totals = { triggers: 0, applied: 0, refused: 0, forgiven: 0, crashes: 0, reloads: 0, failed: 0, dropped: 0, slowed: 0 }
      let last: Awaited<ReturnType<typeof runQueryScenario>> | null = null
      const notes = new Map<string, number>()
      try {
        await fc.assert(
          fc.asyncProperty(scenario, async (drawn) => {
            last = await runQueryScenario(drawn, server, env)
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
      console.info(`query chaos: ${RUNS} scenarios`, totals, [...notes].map(([note, count]) => `${count}x ${note}`), [...new Set(captured)].slice(0, 5))
      expect(last).not.toBeNull()
    },
    Math.max(120_000, RUNS * 5_000),
  )
})
