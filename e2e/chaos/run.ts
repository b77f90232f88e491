import { parseArgs } from 'node:util'
import { bundleHarness, type LibrarySource } from './bundle'
import { startChaosServer } from './chaosServer'
import { createPrng } from '../../test/chaos/prng'
import { formatResult } from './report'
import { runBrowserScenario, type BrowserChaosFeatures } from './runScenario'

/*
 * npm run chaos:browser -- --seeds N [--from K] [--seed S] [--steps 30] [--trace] [--dist]
 *   [--no-kills] [--no-tab-crashes] [--no-tabs] [--no-switches] [--no-faults] [--no-shared] [--no-stream-faults] [--no-restarts] [--no-server-ids]
 *
 * Runs seeded browser scenarios one after the other (two Chromium processes at a time: the machines have
 * two cores) and prints a line per seed, the full report of each failure, and the figures at the end.
 * Exits 1 on any finding.
 */
const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '5' },
    from: { type: 'string', default: '1' },
    seed: { type: 'string' },
    steps: { type: 'string', default: '30' },
    trace: { type: 'boolean', default: false },
    dist: { type: 'boolean', default: false },
    'no-kills': { type: 'boolean', default: false },
    'no-tab-crashes': { type: 'boolean', default: false },
    'no-tabs': { type: 'boolean', default: false },
    'no-switches': { type: 'boolean', default: false },
    'no-faults': { type: 'boolean', default: false },
    'no-shared': { type: 'boolean', default: false },
    'no-stream-faults': { type: 'boolean', default: false },
    'no-restarts': { type: 'boolean', default: false },
    'no-server-ids': { type: 'boolean', default: false },
  },
})

const features: BrowserChaosFeatures = {
  kills: !values['no-kills'],
  tabCrashes: !values['no-tab-crashes'],
  tabs: !values['no-tabs'],
  switches: !values['no-switches'],
  faults: !values['no-faults'],
  shared: !values['no-shared'],
  streamFaults: !values['no-stream-faults'],
  restarts: !values['no-restarts'],
  serverIds: !values['no-server-ids'],
}
const seeds = values.seed !== undefined ? [Number(values.seed)] : Array.from({ length: Number(values.seeds) }, (_, i) => Number(values.from) + i)
const source: LibrarySource = values.dist ? 'dist' : 'src'
const bundle = await bundleHarness(source)
const server = await startChaosServer({ bundle: () => bundle, random: createPrng(0xc4a05) })
console.log(`chaos:browser: ${seeds.length} seed(s) from ${seeds[0]}, rtk-offline from ${source}/, server at ${server.url}`)

let failed = 0
const totals = { edits: 0, faults: 0, kills: 0, tabCrashes: 0, tabCloses: 0, switches: 0, forgiven: 0, sharedEdits: 0, conflicts: 0, streamFaults: 0, restarts: 0 }
const findingsByKind = new Map<string, number>()
const startedAll = Date.now()
try {
  for (const seed of seeds) {
    const result = await runBrowserScenario({
      seed,
      server,
      steps: Number(values.steps),
      features,
      ...(values.trace ? { onTrace: (line: string) => console.log(`  ${line}`) } : {}),
    })
    for (const [key, value] of Object.entries(result.counts)) totals[key as keyof typeof totals] += value
    for (const finding of result.findings) findingsByKind.set(finding.kind, (findingsByKind.get(finding.kind) ?? 0) + 1)
    const c = result.counts
    console.log(
      `seed ${seed}: ${result.findings.length === 0 ? 'ok' : `${result.findings.length} finding(s)`} in ${(result.ms / 1000).toFixed(1)} s ` +
        `(${c.edits} edits, ${c.sharedEdits} shared, ${c.conflicts} conflicts, ${c.faults} faults, ${c.streamFaults} stream faults, ${c.restarts} restarts, ${c.kills} kills, ` +
        `${c.tabCrashes} tab crashes, ${c.tabCloses} tabs closed, ${c.switches} switches, ${c.forgiven} forgiven)`,
    )
    if (result.findings.length > 0) {
      failed++
      console.log(formatResult(result))
    }
  }
} finally {
  await server.close()
}
const kinds = ['lost', 'dup', 'refused', 'conflict', 'diverged', 'stuck', 'orphans'].map((kind) => `${kind}=${findingsByKind.get(kind) ?? 0}`).join(' ')
console.log(
  `chaos:browser: ${seeds.length} seeds in ${((Date.now() - startedAll) / 1000).toFixed(0)} s, ${totals.edits} edits (${totals.sharedEdits} shared), ` +
    `${totals.conflicts} conflicts, ${totals.faults} faults, ${totals.streamFaults} stream faults, ${totals.restarts} restarts, ${totals.kills} kills, ${totals.tabCrashes} tab crashes, ${totals.tabCloses} tabs closed, ${totals.switches} switches: ${failed} failed seed(s); ${kinds}`,
)
process.exit(failed > 0 ? 1 : 0)
