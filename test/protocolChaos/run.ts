/**
 * `npm run chaos:protocol -- --seeds N [--from F] [--seed S] [--verbose] [--trace] [--no-crashes] [--no-restore-races]
 *   [--no-switches] [--no-tabs] [--no-deletes] [--no-live] [--no-server-ids] [--max-steps=N (long scenarios: up to N steps)] [--faults=a,b|none] [--strategies=a,b]`
 *
 * Runs N seeded scenarios (from F, default 1; `--seed S` runs one and prints its notes; `--trace` adds every
 * step, request, poke and server application) of the sync protocol adapter against the real reference
 * server on one PGlite database, and ends with the figures line
 * `chaos:protocol: N seeds, X ops, Y faults, Z crashes: lost=0 dup=0 diverged=0 stuck=0 orphans=0`;
 * exits 1 when any count is not 0, after printing each failing seed with what failed and how to replay it.
 */
import { STRATEGIES, type StrategyName } from '../chaos/chaosClient'
import { openDatabase } from './observedServer'
import { ALL_PROTOCOL_FAULTS, type ProtocolFault } from './protocolFetch'
import { DEFAULT_PROTOCOL_FEATURES, type ProtocolFeatures } from './protocolScenario'
import { replayProtocolCommand, runProtocolScenario, summarize } from './runProtocolScenario'

export function parseProtocolFeatures(args: readonly string[], base: ProtocolFeatures = DEFAULT_PROTOCOL_FEATURES): ProtocolFeatures {
  const features = { ...base }
  for (const arg of args) {
    if (arg === '--no-crashes') features.crashes = false
    else if (arg === '--no-restore-races') features.restoreRaces = false
    else if (arg === '--no-switches') features.userSwitches = false
    else if (arg === '--no-tabs') features.tabs = false
    else if (arg === '--no-deletes') features.deletes = false
    else if (arg === '--no-live') features.live = false
    else if (arg === '--no-server-ids') features.serverIds = false
    else if (arg.startsWith('--max-steps=')) {
      features.maxSteps = Number(arg.slice('--max-steps='.length))
      features.long = true
    }
    else if (arg.startsWith('--faults=')) {
      const list = arg.slice('--faults='.length)
      features.faults = list === 'none' ? [] : (list.split(',') as ProtocolFault[])
      for (const fault of features.faults) if (!ALL_PROTOCOL_FAULTS.includes(fault)) throw new Error(`Unknown fault "${fault}"; one of ${ALL_PROTOCOL_FAULTS.join(', ')}.`)
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
  const features = parseProtocolFeatures(args)
  const single = option(args, '--seed')
  const count = single !== undefined ? 1 : (option(args, '--seeds') ?? 50)
  const from = single ?? option(args, '--from') ?? 1
  const verbose = args.includes('--verbose') || single !== undefined
  const flags = args.filter((arg) => arg.startsWith('--no-') || arg.startsWith('--faults=') || arg.startsWith('--strategies=') || arg.startsWith('--max-steps=')).join(' ')
  const totals = { lost: 0, dup: 0, diverged: 0, stuck: 0, orphans: 0 }
  const figures = { ops: 0, faults: 0, crashes: 0, settledByPull: 0, live: 0, serverIds: 0, twoTabs: 0, pokesLost: 0, cuts: 0, requests: 0 }
  const opening = performance.now()
  const db = await openDatabase()
  const started = performance.now()
  try {
    for (let seed = from; seed < from + count; seed++) {
      const result = await runProtocolScenario(db, seed, features, args.includes('--trace') ? { trace: (line) => console.log(`  | ${line}`) } : {})
      figures.ops += result.ops
      figures.faults += result.faults
      figures.crashes += result.crashes
      figures.settledByPull += result.settledByPull
      figures.pokesLost += result.pokesLost
      figures.cuts += result.cuts
      figures.requests += result.requests
      if (result.live) figures.live += 1
      if (result.serverIds) figures.serverIds += 1
      figures.twoTabs += result.twoTabs
      const counts = summarize(result.findings)
      for (const kind of Object.keys(totals) as Array<keyof typeof totals>) totals[kind] += counts[kind]
      if (result.findings.length > 0) {
        console.log(`seed ${seed} failed: ${Object.entries(counts).filter(([, n]) => n > 0).map(([k, n]) => `${k}=${n}`).join(' ')}  (replay: ${replayProtocolCommand(seed)}${flags ? ` ${flags}` : ''})`)
        for (const finding of result.findings) console.log(`  ${finding.kind}: ${finding.detail}`)
        if (verbose) for (const note of result.notes) console.log(`  note: ${note}`)
      } else if (verbose) {
        console.log(`seed ${seed} passed (${result.ops} ops, ${result.faults} faults, ${result.crashes} crashes)`)
        for (const note of result.notes) console.log(`  note: ${note}`)
      }
    }
  } finally {
    await db.close()
  }
  const seconds = (performance.now() - started) / 1000
  console.error(`(PGlite started in ${((started - opening) / 1000).toFixed(1)} s; ${seconds.toFixed(1)} s, ${((seconds * 1000) / count).toFixed(0)} ms per seed, ${figures.requests} pushes and pulls served)`)
  console.error(`(live event stream in ${figures.live} seeds: ${figures.pokesLost} pokes lost, ${figures.cuts} streams cut; ${figures.settledByPull} operations settled by a pull's answer)`)
  console.error(`(server-assigned ids in ${figures.serverIds} seeds; ${figures.twoTabs} clients with two tabs)`)
  console.log(
    `chaos:protocol: ${count} seeds, ${figures.ops} ops, ${figures.faults} faults, ${figures.crashes} crashes: ` +
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
