import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPrng } from '../../test/chaos/prng'
import { bundleHarness } from './bundle'
import { startChaosServer, type ChaosServer } from './chaosServer'
import { formatResult } from './report'
import { runBrowserScenario } from './runScenario'

/*
 * The randomized browser chaos suite (e2e/README.md, "Randomized chaos in Chromium"): a few seeds of
 * `npm run chaos:browser`, on the library as built (dist/, which the global setup builds), so CI runs them
 * with `npm run e2e`. More seeds: `npm run chaos:browser -- --seeds 50`.
 */

/**
 * Seeds run on every `npm run e2e`: each a scenario of two devices, 15–30 s on a 2-core machine. Between
 * them every conflict strategy but client-wins, and server-assigned ids (seed 4: manual on both devices).
 */
const SEEDS = [1, 3, 4]

let server: ChaosServer

beforeAll(async () => {
  const bundle = await bundleHarness('dist')
  server = await startChaosServer({ bundle: () => bundle, random: createPrng(0xc4a05) })
})
afterAll(async () => {
  await server?.close()
})

describe('randomized chaos in Chromium: two devices, real IndexedDB, tabs, crashes, user switches, shared notes in conflict, stream faults and restarts of the reference server', () => {
  for (const seed of SEEDS)
    it(`seed ${seed}: every durable change reaches the server once, in its user's data, and every device ends equal to it`, async () => {
      const result = await runBrowserScenario({ seed, server, steps: 30 })
      expect(result.findings, formatResult(result)).toEqual([])
    }, 150_000)
})
