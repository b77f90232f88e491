/**
 * `npm run chaos -- --seeds N [--from S] [--seed S] [--verbose] [--trace] [--no-crashes] [--no-restore-races]
 *   [--no-tabs] [--no-pokes] [--no-confirm-by-pull] [--no-switches] [--no-deletes] [--no-costly-settles] [--no-compaction] [--no-server-ids] [--faults=a,b|none] [--strategies=a,b]`
 *
 * `--seed S` replays one seed and prints its notes; `--trace` adds every step, request and server
 * application. The `--no-…`, `--faults=` and `--strategies=` flags turn features off to bisect a failure.
 *
 * Runs N seeded scenarios (from S, default 1; `--seed S` runs one) and ends with the figures line
 * `chaos: N seeds, X ops, Y faults, Z crashes: lost=0 dup=0 diverged=0 stuck=0 orphans=0`; exits 1 when
 * any count is not 0, after printing each failing seed with what failed and how to replay it.
 */
import { STRATEGIES, type StrategyName } from './chaosClient'
import { ALL_FAULTS, type Fault } from './faultyFetch'
import { replayCommand, runScenario, summarize } from './runScenario'
import { DEFAULT_FEATURES, type ChaosFeatures } from './scenario'

export function parseFeatures(args: readonly string[], base: ChaosFeatures = DEFAULT_FEATURES): ChaosFeatures {
  const features = { ...base }
  for (const arg of args) {
    if (arg === '--no-crashes') features.crashes = false
    else if (arg === '--no-restore-races') features.restoreRaces = false
    else if (arg === '--no-switches') features.userSwitches = false
    else if (arg === '--no-tabs') features.tabs = false
    else if (arg === '--no-pokes') features.pokes = false
    else if (arg === '--no-confirm-by-pull') features.confirmByPull = false
    else if (arg === '--no-compaction') features.compaction = false
    else if (arg === '--no-deletes') features.deletes = false
    else if (arg === '--no-costly-settles') features.costlySettles = false
    else if (arg === '--no-server-ids') features.serverIds = false
    else if (arg.startsWith('--faults=')) {
      const list = arg.slice('--faults='.length)
      features.faults = list === 'none' ? [] : (list.split(',') as Fault[])
      for (const fault of features.faults) if (!ALL_FAULTS.includes(fault)) throw new Error(`Unknown fault "${fault}"; one of ${ALL_FAULTS.join(', ')}.`)
    } else if (arg.startsWith('--strategies=')) {
      features.strategies = arg.slice('--strategies='.length).split(',') as StrategyName[]
      for (const s of features.strategies) if (!STRATEGIES.includes(s)) throw new Error(`Unknown strategy "${s}"; one of ${STRATEGIES.join(', ')}.`)
    }
  }
  return features
}

function option(args: readonly string[], name: string): number | undefined {
  const index = args.findIndex((arg) => arg === name || arg.startsWith(`${name}=`))
  if (index < 0) return undefined
  const arg = args[index]!
  const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[index + 1]
  const number = Number(value)
  if (!Number.isInteger(number)) throw new Error(`${name} needs an integer, got ${String(value)}.`)
  return number
}

async function main(): Promise<number> {
  const args = process.argv.slice(2)
  const features = parseFeatures(args)
  const single = option(args, '--seed')
  const count = single !== undefined ? 1 : (option(args, '--seeds') ?? 100)
  const from = single ?? option(args, '--from') ?? 1
  const verbose = args.includes('--verbose') || single !== undefined
  const flags = args.filter((arg) => arg.startsWith('--no-') || arg.startsWith('--faults=') || arg.startsWith('--strategies=')).join(' ')
  const totals = { lost: 0, dup: 0, diverged: 0, stuck: 0, orphans: 0 }
  let ops = 0
  let faults = 0
  let crashes = 0
  let settledByPull = 0
  let confirming = 0
  let compacted = 0
  let pullsGone = 0
  let assigning = 0
  const started = performance.now()
  for (let seed = from; seed < from + count; seed++) {
    const result = await runScenario(seed, features, args.includes('--trace') ? { trace: (line) => console.log(`  | ${line}`) } : {})
    ops += result.ops
    faults += result.faults
    crashes += result.crashes
    settledByPull += result.settledByPull
    if (result.confirmByPull) confirming += 1
    if (result.compactions > 0) compacted += 1
    pullsGone += result.pullsGone
    if (result.serverIds) assigning += 1
    const counts = summarize(result.findings)
    for (const kind of Object.keys(totals) as Array<keyof typeof totals>) totals[kind] += counts[kind]
    if (result.findings.length > 0) {
      console.log(`seed ${seed} failed: ${Object.entries(counts).filter(([, n]) => n > 0).map(([k, n]) => `${k}=${n}`).join(' ')}  (replay: ${replayCommand(seed)}${flags ? ` ${flags}` : ''})`)
      for (const finding of result.findings) console.log(`  ${finding.kind}: ${finding.detail}`)
      if (verbose) for (const note of result.notes) console.log(`  note: ${note}`)
    } else if (verbose) {
      console.log(`seed ${seed} passed (${result.ops} ops, ${result.faults} faults, ${result.crashes} crashes)`)
      for (const note of result.notes) console.log(`  note: ${note}`)
    }
  }
  const seconds = (performance.now() - started) / 1000
  console.error(`(${seconds.toFixed(1)} s, ${((seconds * 1000) / count).toFixed(0)} ms per seed)`)
  console.error(`(confirmation by pull in ${confirming} seeds: ${settledByPull} operations settled by a pull's answer)`)
  console.error(`(history compacted in ${compacted} seeds: ${pullsGone} pulls answered 410 and started over)`)
  console.error(`(server-assigned ids in ${assigning} seeds)`)
  console.log(
    `chaos: ${count} seeds, ${ops} ops, ${faults} faults, ${crashes} crashes: ` +
      `lost=${totals.lost} dup=${totals.dup} diverged=${totals.diverged} stuck=${totals.stuck} orphans=${totals.orphans}`,
  )
  return Object.values(totals).some((n) => n > 0) ? 1 : 0
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error)
    process.exit(2)
  },
)
