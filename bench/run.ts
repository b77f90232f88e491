/**
 * rtk-offline's benchmarks, side by side with redux-offline. Prints a markdown report on stdout and
 * progress on stderr; exits non-zero when any workload fails its own checks.
 *
 *   npm run bench                 # the standard profile (20–35 minutes on 2 cores, by load)
 *   npm run bench -- --full       # the 100,000 updates per dispatch contestant (longer)
 *   npm run bench:smoke           # CI: tiny sizes, the same code paths, no judgement of speed
 *   npm run bench -- --only=drain # some workloads: dispatch, dispatch-size, drain, stored, rehydrate, restore-browser, memory, size,
 *                                 # server-drain, server-throughput, server-pull (issue 11: the reference server on PGlite, and on
 *                                 # PostgreSQL too when BENCH_DATABASE_URL=postgres://… is set)
 *
 * Both scripts build dist/ first; the benchmarks load rtk-offline from there (what users install).
 */
import { benchConfig, type Profile } from './config'
import { distEntry, loadRtkOffline } from './lib/loadRtkOffline'
import { describeBuild, describeMachine } from './lib/machine'
import { renderReport, type BenchResults } from './report'
import { serverFailures } from './serverReport'
import { startBenchServer } from './server/startBenchServer'
import { runDispatch } from './workloads/dispatch'
import { runDrain } from './workloads/drain'
import { runMemory } from './workloads/memory'
import { runRehydrate } from './workloads/rehydrate'
import { runRestoreBrowser } from './workloads/restoreBrowser'
import { runSize, runSizeBreakdown } from './workloads/size'
import { runStored } from './workloads/stored'
import { runServerWorkloads, type ServerWorkload } from './workloads/serverWorkloads'

const SERVER_WORKLOADS = ['server-drain', 'server-throughput', 'server-pull'] as const satisfies readonly ServerWorkload[]
const WORKLOADS = ['dispatch', 'dispatch-size', 'drain', 'stored', 'rehydrate', 'restore-browser', 'memory', 'size', ...SERVER_WORKLOADS] as const
type Workload = (typeof WORKLOADS)[number]

function parseArgs(argv: readonly string[]): { profile: Profile; only: Set<Workload> } {
  let profile: Profile = 'standard'
  let only = new Set<Workload>(WORKLOADS)
  for (const arg of argv) {
    if (arg === '--smoke') profile = 'smoke'
    else if (arg === '--full') profile = 'full'
    else if (arg.startsWith('--only=')) {
      const names = arg.slice('--only='.length).split(',')
      const unknown = names.filter((name) => !(WORKLOADS as readonly string[]).includes(name))
      if (unknown.length > 0) throw new Error(`bench: unknown workload ${unknown.join(', ')}; choose from ${WORKLOADS.join(', ')}`)
      only = new Set(names as Workload[])
    } else throw new Error(`bench: unknown argument ${arg}; use --smoke, --full or --only=<workloads>`)
  }
  return { profile, only }
}

async function main(): Promise<void> {
  const { profile, only } = parseArgs(process.argv.slice(2))
  if (typeof (globalThis as { gc?: unknown }).gc !== 'function') throw new Error('bench: run with node --expose-gc (npm run bench does)')
  const config = benchConfig(profile)
  const started = performance.now()
  const log = (message: string) => {
    process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}\n`)
  }
  const lib = await loadRtkOffline()
  const results: BenchResults = {
    config,
    machine: `${describeMachine()}; ${describeBuild(distEntry)}`,
    startedAt: new Date(),
    seconds: 0,
    dispatch: [],
    dispatchBySize: [],
    drain: [],
    stored: [],
    rehydrate: [],
    restoreBrowser: null,
    memory: [],
    size: [],
    sizeBreakdown: { files: [], minified: 0 },
    server: { drain: [], throughput: [], pull: [] },
  }
  if (only.has('size')) {
    log('size: bundling with esbuild')
    results.size = await runSize()
    results.sizeBreakdown = await runSizeBreakdown()
  }
  if (only.has('dispatch')) for (const options of config.dispatch) results.dispatch.push(await runDispatch(lib, options, log))
  if (only.has('dispatch-size')) for (const options of config.dispatchBySize) results.dispatchBySize.push(await runDispatch(lib, options, log))
  if (only.has('drain')) {
    const server = await startBenchServer({ latencyMs: config.latencyMs })
    try {
      for (const options of config.drain) results.drain.push(await runDrain(lib, server, options, log))
    } finally {
      await server.close()
    }
  }
  if (only.has('stored')) results.stored = await runStored(lib, config.stored, log)
  if (only.has('rehydrate')) results.rehydrate = await runRehydrate(lib, config.rehydrate, log)
  if (only.has('restore-browser')) {
    results.restoreBrowser = await runRestoreBrowser(config.restoreBrowser, log)
    if (results.restoreBrowser.skipped) log(`restore-browser: skipped, ${results.restoreBrowser.skipped}`)
  }
  if (only.has('memory')) results.memory = await runMemory(config.memory, log)
  const serverOnly = SERVER_WORKLOADS.filter((name) => only.has(name))
  if (serverOnly.length > 0) results.server = await runServerWorkloads(lib, config, serverOnly, log)
  results.seconds = (performance.now() - started) / 1000
  log('done')
  process.stdout.write(`${renderReport(results)}\n`)
  const wrong = serverFailures(results.server)
  if (wrong.length > 0) throw new Error(`bench: ${wrong.join('; ')}`)
}

main().then(
  // Lingering keep-alive sockets or timers must not keep CI waiting.
  () => process.exit(0),
  (error: unknown) => {
    console.error(error)
    process.exit(1)
  },
)
