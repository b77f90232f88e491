import type { BenchConfig } from './config'
import { markdownTable } from './lib/markdown'
import { formatBytes, formatCount, formatMs, formatRatio, formatUs } from './lib/stats'
import type { MemoryReport } from './workloads/memoryChild'
import type { DispatchResult } from './workloads/dispatch'
import type { DrainResult, DrainRow } from './workloads/drain'
import type { RehydrateRow } from './workloads/rehydrate'
import type { SizeBreakdown, SizeRow } from './workloads/size'

export interface BenchResults {
  config: BenchConfig
  machine: string
  startedAt: Date
  seconds: number
  dispatch: DispatchResult[]
  drain: DrainResult[]
  rehydrate: RehydrateRow[]
  memory: MemoryReport[]
  size: SizeRow[]
  sizeBreakdown: SizeBreakdown
}

/** What the issue asks of rtk-offline; goals, not assertions. */
const GOALS = {
  dispatchVsFloor: 1.5,
  /** "Flat in outbox size": rtk-offline's cost at the largest outbox within this factor of its cost at none. */
  flatness: 1.25,
  drainSpeedup: 10,
  drainRequests: 10,
  rehydrateMs: 250,
  coreGzip: 8 * 1024,
}

const met = (ok: boolean) => (ok ? 'met' : '**missed**')

function dispatchTable(results: DispatchResult[]): string {
  const rows = results.map((result) => {
    const { medianUs, outboxAfter, options } = result
    const floor = medianUs['plain RTK']!
    const ours = medianUs['rtk-offline']!
    const theirs = medianUs['redux-offline']
    return [
      formatCount(options.pending),
      formatUs(floor),
      formatUs(ours),
      formatRatio(ours / floor),
      theirs === undefined ? 'skipped¹' : formatUs(theirs),
      theirs === undefined ? '—' : formatRatio(theirs / ours),
      `${formatCount(outboxAfter['rtk-offline'] ?? 0)} / ${theirs === undefined ? '—' : formatCount(outboxAfter['redux-offline'] ?? 0)}`,
    ]
  })
  return markdownTable(
    [
      'pending before',
      'plain RTK (floor)',
      'rtk-offline',
      'rtk-offline ÷ floor',
      'redux-offline',
      'redux-offline ÷ rtk-offline',
      'outbox after: rtk-offline / redux-offline',
    ],
    rows,
  )
}

function drainTable(result: DrainResult): string {
  const redux = result.rows.find((row) => row.name === 'redux-offline')!
  const rows = result.rows.map((row: DrainRow) => {
    if (row.skipped) return [row.name, 'skipped', '—', '—', '—', row.skipped]
    if (row.capped)
      return [
        row.name,
        `stopped at ${formatMs(row.medianMs)}`,
        `${formatCount(row.medianRequests)} (of ${formatCount(result.options.operations)})`,
        '—',
        '—',
        `${row.note}; called off after ${row.capped.capMs / 1000} s with ${formatCount(row.capped.drained)} of ${formatCount(result.options.operations)} drained (one run)`,
      ]
    const dropped = row.samples.reduce((sum, sample) => sum + sample.dropped, 0)
    return [
      row.name,
      formatMs(row.medianMs),
      formatCount(row.medianRequests),
      formatRatio(redux.medianMs / row.medianMs),
      formatRatio(redux.medianRequests / row.medianRequests),
      dropped > 0 ? `${row.note}; **dropped ${formatCount(dropped)} operation(s)** over the rounds (network errors, which its default discard drops)` : row.note,
    ]
  })
  return markdownTable(['contestant', 'wall time (median)', 'HTTP requests', 'speed-up vs redux-offline', 'fewer requests vs redux-offline', 'how'], rows)
}

function persistenceSection(results: BenchResults): string {
  const rows: string[][] = []
  for (const drain of results.drain)
    for (const row of drain.rows) {
      const storage = row.samples.map((sample) => sample.storage).filter((entry) => entry !== undefined)
      if (storage.length === 0) continue
      const mid = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!
      const drained = row.capped ? row.capped.drained : drain.options.operations
      const written = mid(storage.map((entry) => entry.charsWritten))
      rows.push([
        `${row.name}: ${formatCount(drain.options.operations)} ops on ${formatCount(drain.options.records)} records${row.capped ? ` (stopped after ${formatCount(row.capped.drained)} drained)` : ''}`,
        formatBytes(mid(storage.map((entry) => entry.storedBefore))),
        `${formatCount(mid(storage.map((entry) => entry.writes)))} / ${formatCount(mid(storage.map((entry) => entry.removes)))}`,
        formatBytes(written),
        formatBytes(written / drained),
      ])
    }
  return markdownTable(
    ['contestant and drain', 'stored before the drain', 'setItem / removeItem while draining', 'written while draining', 'written per operation drained'],
    rows,
  )
}

function rehydrateTable(rows: RehydrateRow[], records: number): string {
  const redux = rows.find((row) => row.name === 'redux-offline')
  return markdownTable(
    ['contestant', `restore ${formatCount(records)} records + ${formatCount(records)} operations (median)`, 'rounds', 'stored', 'vs redux-offline'],
    rows.map((row) => [
      row.name,
      formatMs(row.medianMs),
      row.samples.map((ms) => formatMs(ms)).join(', '),
      formatBytes(row.stored),
      redux ? formatRatio(row.medianMs / redux.medianMs) + ' the time' : '—',
    ]),
  )
}

function memoryTable(reports: MemoryReport[], checkpoints: number[]): string {
  const [, middle, last] = checkpoints
  const rows = reports.map((report) => {
    const at = (count: number | undefined) => (count === undefined ? Number.NaN : (report.heapUsed[String(count)] ?? Number.NaN))
    return [
      report.contestant,
      ...checkpoints.map((count) => formatBytes(at(count))),
      formatBytes(at(last) - at(middle)),
      `${report.seconds.toFixed(1)} s`,
    ]
  })
  return markdownTable(
    [
      'contestant',
      ...checkpoints.map((count) => `heap after ${formatCount(count)} drained`),
      `growth ${formatCount(middle ?? 0)} → ${formatCount(last ?? 0)}`,
      'run time (in-process backend)',
    ],
    rows,
  )
}

function sizeTable(rows: SizeRow[]): string {
  return markdownTable(
    ['bundle', 'up front: min', 'up front: min+gzip', 'lazy chunks: min+gzip', 'external'],
    rows.map((row) => [
      row.name,
      formatBytes(row.upFront.minified),
      `**${formatBytes(row.upFront.gzipped)}**`,
      row.lazy.gzipped === 0 ? '—' : `${formatBytes(row.lazy.gzipped)} (${row.lazy.inputs.join(', ')})`,
      row.external.join(', '),
    ]),
  )
}

function goalsTable(results: BenchResults): string {
  const production = results.dispatch.filter((result) => result.options.mode === 'production')
  const ratios = production.map((result) => result.medianUs['rtk-offline']! / result.medianUs['plain RTK']!)
  const worst = Math.max(...ratios)
  const first = production[0]
  const lastLevel = production.at(-1)
  const flat = first && lastLevel ? lastLevel.medianUs['rtk-offline']! / first.medianUs['rtk-offline']! : Number.NaN
  const floorFlat = first && lastLevel ? lastLevel.medianUs['plain RTK']! / first.medianUs['plain RTK']! : Number.NaN
  const drain = results.drain.at(-1)
  const rtk = drain?.rows.find((row) => row.name === 'rtk-offline')
  const redux = drain?.rows.find((row) => row.name === 'redux-offline')
  const speedup = rtk && redux ? redux.medianMs / rtk.medianMs : Number.NaN
  const fewer = rtk && redux ? redux.medianRequests / rtk.medianRequests : Number.NaN
  const core = results.size.find((row) => row.name === 'rtk-offline')
  const rehydrated = results.rehydrate.find((row) => row.name === 'rtk-offline')
  const memory = results.memory.find((report) => report.contestant === 'rtk-offline')
  const [, middle, last] = results.config.memory.checkpoints
  const growth = memory ? (memory.heapUsed[String(last)] ?? Number.NaN) - (memory.heapUsed[String(middle)] ?? Number.NaN) : Number.NaN
  const rows = [
    [
      `dispatch ≤ ${GOALS.dispatchVsFloor}× the plain RTK floor (production)`,
      ratios.map((ratio, index) => `${formatRatio(ratio)} at ${formatCount(production[index]!.options.pending)} pending`).join(', '),
      met(worst <= GOALS.dispatchVsFloor),
    ],
    [
      `dispatch flat in outbox size (≤ ${GOALS.flatness}× from ${formatCount(first?.options.pending ?? 0)} to ${formatCount(lastLevel?.options.pending ?? 0)} pending)`,
      `${formatRatio(flat)} (the floor, same data without an outbox: ${formatRatio(floorFlat)})`,
      met(flat <= GOALS.flatness),
    ],
    [
      `drain at ${formatCount(drain?.options.operations ?? 0)} operations ≥ ${GOALS.drainSpeedup}× faster than redux-offline`,
      `${formatRatio(speedup)} (${formatMs(rtk?.medianMs ?? Number.NaN)} vs ${formatMs(redux?.medianMs ?? Number.NaN)})`,
      met(speedup >= GOALS.drainSpeedup),
    ],
    [
      `… with ≥ ${GOALS.drainRequests}× fewer requests`,
      `${formatRatio(fewer)} (${formatCount(rtk?.medianRequests ?? 0)} vs ${formatCount(redux?.medianRequests ?? 0)})`,
      met(fewer >= GOALS.drainRequests),
    ],
    [
      `rehydrate ${formatCount(results.config.rehydrate.records)} operations and ${formatCount(results.config.rehydrate.records)} records < ${GOALS.rehydrateMs} ms`,
      formatMs(rehydrated?.medianMs ?? Number.NaN),
      met((rehydrated?.medianMs ?? Number.POSITIVE_INFINITY) < GOALS.rehydrateMs),
    ],
    [
      'heap does not grow with operations drained',
      `${formatBytes(growth)} from ${formatCount(middle ?? 0)} to ${formatCount(last ?? 0)} drained`,
      met(Math.abs(growth) < 1024 * 1024),
    ],
    [
      `core entry ≤ ${formatBytes(GOALS.coreGzip)} min+gzip`,
      core ? formatBytes(core.upFront.gzipped) : 'not run',
      core ? met(core.upFront.gzipped <= GOALS.coreGzip) : '—',
    ],
  ]
  // A workload left out (--only) leaves its rows unmeasured rather than judged.
  return markdownTable(
    ['goal', 'measured', ''],
    rows.map((row) => (row[1]!.includes('NaN') || row[1]!.includes('—') ? [row[0]!, 'not run', '—'] : row)),
  )
}

export function renderReport(results: BenchResults): string {
  const { config } = results
  const production = results.dispatch.filter((result) => result.options.mode === 'production')
  const dev = results.dispatch.filter((result) => result.options.mode === 'dev-checks')
  const sample = production[0]?.options
  const devSample = dev[0]?.options
  const skipped = results.dispatch.find((result) => result.options.skipReduxOffline)?.options.skipReduxOffline
  const out: string[] = []
  out.push(`## Results (${config.profile} profile)`, '')
  out.push(`Machine: ${results.machine}. Run ${results.startedAt.toISOString()}, ${Math.round(results.seconds)} s in all.`, '')
  if (config.profile === 'smoke') out.push('Smoke profile: sizes far too small to judge speed; goals not evaluated.', '')
  else out.push('### Goals', '', goalsTable(results), '')
  if (sample) {
    out.push(
      '### 1. Dispatch cost, production (RTK dev checks off)',
      '',
      `Median µs per dispatch over ${sample.rounds} alternating rounds of ${formatCount(sample.roundUpdates)} updates (after ${formatCount(sample.warmupUpdates)} warm-up updates) over ${formatCount(sample.records)} records, per contestant and outbox size.`,
      '',
      dispatchTable(production),
      '',
    )
  }
  if (devSample) {
    out.push(
      '### 1b. Dispatch cost, development (configureStore\'s default middleware: serializable and immutable checks on)',
      '',
      `Median µs per dispatch over ${devSample.rounds} rounds of ${formatCount(devSample.roundUpdates)} updates (after ${formatCount(devSample.warmupUpdates)} warm-up).`,
      '',
      dispatchTable(dev),
      '',
      ...(skipped ? [`¹ redux-offline at ${formatCount(dev.at(-1)?.options.pending ?? 0)} pending: ${skipped}.`, ''] : []),
    )
  }
  for (const drain of results.drain) {
    out.push(
      `### 2. Drain: ${formatCount(drain.options.operations)} operations on ${formatCount(drain.options.records)} records`,
      '',
      `Median of ${drain.options.rounds} alternating rounds${drain.options.warmups ? ` after ${drain.options.warmups} warm-up round` : ''}; ${config.latencyMs} ms added per request by the server.`,
      '',
      drainTable(drain),
      '',
    )
  }
  if (results.drain.length > 0)
    out.push(
      '### 3. Persistence: storage traffic of the drains above (localforage over fake-indexeddb)',
      '',
      persistenceSection(results),
      '',
    )
  if (results.rehydrate.length > 0)
    out.push(
      '### 3b. Rehydration',
      '',
      `From the storage each library filled itself; ${results.config.rehydrate.rounds} alternating round(s)${results.config.rehydrate.warmups ? ` after ${results.config.rehydrate.warmups} warm-up` : ', no warm-up'}.`,
      '',
      rehydrateTable(results.rehydrate, results.config.rehydrate.records),
      '',
    )
  if (results.memory.length > 0)
    out.push(
    `### 4. Memory: heap after a forced GC, ${formatCount(config.memory.records)} records, one process per contestant`,
    '',
    memoryTable(results.memory, config.memory.checkpoints),
    '',
  )
  if (results.size.length > 0)
    out.push(
      '### 5. Size',
      '',
      sizeTable(results.size),
      '',
      `Where rtk-offline's up-front bytes come from (src/index.ts bundled the same way; minified bytes before gzip, ${formatBytes(results.sizeBreakdown.minified)} in all):`,
      '',
      markdownTable(
        ['source file', 'minified'],
        results.sizeBreakdown.files.slice(0, 12).map((file) => [file.file, formatBytes(file.minified)]),
      ),
      '',
    )
  return out.join('\n')
}
