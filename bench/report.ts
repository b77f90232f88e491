import type { BenchConfig } from './config'
import { markdownTable } from './lib/markdown'
import { formatBytes, formatCount, formatMs, formatRatio, formatUs } from './lib/stats'
import type { MemoryReport } from './workloads/memoryChild'
import type { DispatchResult } from './workloads/dispatch'
import type { DrainResult, DrainRow } from './workloads/drain'
import type { RehydrateRow } from './workloads/rehydrate'
import type { RestoreBrowserResult } from './workloads/restoreBrowser'
import { SIZE_ROWS, type SizeBreakdown, type SizeRow } from './workloads/size'
import type { StoredRow } from './workloads/stored'
import { renderServerReport } from './serverReport'
import type { ServerResults } from './workloads/serverWorkloads'

export interface BenchResults {
  config: BenchConfig
  machine: string
  startedAt: Date
  seconds: number
  dispatch: DispatchResult[]
  dispatchBySize: DispatchResult[]
  drain: DrainResult[]
  stored: StoredRow[]
  rehydrate: RehydrateRow[]
  restoreBrowser: RestoreBrowserResult | null
  memory: MemoryReport[]
  size: SizeRow[]
  sizeBreakdown: SizeBreakdown
  /** Issue 11's server workloads (bench/serverReport.ts renders them). */
  server: ServerResults
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
  // Ratios against redux-offline where it ran, else against TanStack Query.
  const base = result.rows.find((row) => row.name === 'redux-offline' && !row.skipped) ?? result.rows.find((row) => row.name.startsWith('TanStack Query'))!
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
      formatRatio(base.medianMs / row.medianMs),
      formatRatio(base.medianRequests / row.medianRequests),
      dropped > 0 ? `${row.note}; **dropped ${formatCount(dropped)} operation(s)** over the rounds (network errors, which its default discard drops)` : row.note,
    ]
  })
  return markdownTable(['contestant', 'wall time (median)', 'HTTP requests', `speed-up vs ${base.name}`, `fewer requests vs ${base.name}`, 'how'], rows)
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
    ['bundle', 'up front: min', 'up front: min+gzip', 'lazy chunks: min+gzip', 'up front + lazy: min+gzip', 'external'],
    rows.map((row) => [
      row.name,
      formatBytes(row.upFront.minified),
      `**${formatBytes(row.upFront.gzipped)}**`,
      row.lazy.gzipped === 0 ? '—' : `${formatBytes(row.lazy.gzipped)} (${row.lazy.inputs.join(', ')})`,
      formatBytes(row.upFront.gzipped + row.lazy.gzipped),
      row.external.join(', '),
    ]),
  )
}

/** What issue 10 asks; judged from the run, each met or missed by how much. */
const ISSUE10 = {
  quickStartGzip: 8 * 1024,
  reactGzip: 2.5 * 1024,
  dispatchOverFloorUs: 40,
  oneAtATimeVsFetchLoop: 1.2,
  restoreMs: 250,
}

const TANSTACK_PARALLEL = 'TanStack Query, scope per record, 20 at a time'

/** `met` or `**missed** by …`, for a measured value against an upper bound. */
function atMost(value: number, bound: number, format: (value: number) => string): string {
  if (!Number.isFinite(value)) return '—'
  return value <= bound ? 'met' : `**missed** by ${format(value - bound)}`
}

function issue10Goals(results: BenchResults): string[][] {
  const rows: string[][] = []
  const size = (name: string) => results.size.find((row) => row.name === name)
  const quickStart = size(SIZE_ROWS.quickStart)
  const persisted = size(SIZE_ROWS.quickStartPersisted)
  const react = size(SIZE_ROWS.react)
  const persistEntry = size(SIZE_ROWS.persist)
  const core = size(SIZE_ROWS.core)
  if (quickStart)
    rows.push([
      `quick start (createSyncedEntity + createOfflineSync + createRestAdapter) ≤ ${formatBytes(ISSUE10.quickStartGzip)} min+gzip`,
      `${formatBytes(quickStart.upFront.gzipped)} up front${persisted ? `; with persistence on, localforage counted: ${formatBytes(persisted.upFront.gzipped + persisted.lazy.gzipped)}` : ''}${core ? `; whole core entry ${formatBytes(core.upFront.gzipped)}` : ''}${persistEntry ? `; rtk-offline/persist ${formatBytes(persistEntry.upFront.gzipped)}` : ''}`,
      atMost(quickStart.upFront.gzipped, ISSUE10.quickStartGzip, formatBytes),
    ])
  const reactHooks = size(SIZE_ROWS.reactWithoutInspector)
  // Issue 13 put the developer panel <SyncInspector /> in this entry; an app that never renders it does not
  // ship it (it tree-shakes away), so the goal is judged on both: the hooks an app uses, and the whole entry.
  if (reactHooks)
    rows.push([`rtk-offline/react without SyncInspector ≤ ${formatBytes(ISSUE10.reactGzip)} min+gzip`, formatBytes(reactHooks.upFront.gzipped), atMost(reactHooks.upFront.gzipped, ISSUE10.reactGzip, formatBytes)])
  if (react)
    rows.push([`rtk-offline/react, the whole entry (SyncInspector too) ≤ ${formatBytes(ISSUE10.reactGzip)} min+gzip`, formatBytes(react.upFront.gzipped), atMost(react.upFront.gzipped, ISSUE10.reactGzip, formatBytes)])
  const usable = (row: DrainRow | undefined) => (row && !row.skipped && !row.capped && Number.isFinite(row.medianMs) ? row : undefined)
  for (const drain of results.drain) {
    const find = (name: string) => usable(drain.rows.find((row) => row.name === name))
    const label = `${formatCount(drain.options.operations)} ops on ${formatCount(drain.options.records)} records`
    const tanstack = find(TANSTACK_PARALLEL)
    // Same requests, same 20 in flight: rtk-offline as configured to send as many requests as TanStack Query does.
    const ours = ['rtk-offline', 'rtk-offline, no coalescing, batchSize 20'].map(find).find((row) => row && tanstack && row.medianRequests === tanstack.medianRequests)
    if (tanstack && ours) {
      const ratio = ours.medianMs / tanstack.medianMs
      rows.push([
        `drain ≥ as fast as TanStack Query at the same requests (${label})`,
        `${ours.name}: ${formatMs(ours.medianMs)} vs ${formatMs(tanstack.medianMs)}, ${formatCount(ours.medianRequests)} requests each`,
        ratio <= 1 ? 'met' : `**missed**: ${formatRatio(ratio)} TanStack Query's time`,
      ])
    }
    const serial = find('rtk-offline, no coalescing, batchSize 1')
    const redux = find('redux-offline')
    if (serial && redux) {
      const ratio = serial.medianMs / redux.medianMs
      rows.push([
        `one request at a time ≥ as fast as redux-offline (${label})`,
        `${formatMs(serial.medianMs)} vs ${formatMs(redux.medianMs)}`,
        ratio <= 1 ? 'met' : `**missed**: ${formatRatio(ratio)} redux-offline's time`,
      ])
    }
    const loop = find('plain fetch loop')
    if (serial && loop) {
      const ratio = serial.medianMs / loop.medianMs
      rows.push([
        `one request at a time ≤ ${ISSUE10.oneAtATimeVsFetchLoop}× a plain \`await fetch\` loop (${label})`,
        `${formatRatio(ratio)} (${formatMs(serial.medianMs)} vs ${formatMs(loop.medianMs)})`,
        ratio <= ISSUE10.oneAtATimeVsFetchLoop ? 'met' : `**missed** by ${formatRatio(ratio / ISSUE10.oneAtATimeVsFetchLoop)} (${formatMs(serial.medianMs - ISSUE10.oneAtATimeVsFetchLoop * loop.medianMs)} too slow)`,
      ])
    }
  }
  for (const result of results.dispatchBySize) {
    const added = result.medianUs['rtk-offline']! - result.medianUs['plain RTK']!
    rows.push([
      `dispatch ≤ ${ISSUE10.dispatchOverFloorUs} µs over the plain entity-adapter update at ${formatCount(result.options.records)} records`,
      `${formatUs(added)} over (${formatUs(result.medianUs['rtk-offline']!)} vs ${formatUs(result.medianUs['plain RTK']!)})`,
      atMost(added, ISSUE10.dispatchOverFloorUs, formatUs),
    ])
  }
  const restored = results.rehydrate.find((row) => row.name === 'rtk-offline')
  if (restored)
    rows.push([
      `restore ${formatCount(results.config.rehydrate.records)} ops + records ≤ ${ISSUE10.restoreMs} ms, Node (localforage over fake-indexeddb)`,
      formatMs(restored.medianMs),
      atMost(restored.medianMs, ISSUE10.restoreMs, formatMs),
    ])
  const browser = results.restoreBrowser
  if (browser)
    rows.push([
      `restore ${formatCount(browser.options.records)} ops + records ≤ ${ISSUE10.restoreMs} ms, Chromium's IndexedDB`,
      browser.skipped ? `not run: ${browser.skipped}` : formatMs(browser.medianMs),
      browser.skipped ? '—' : atMost(browser.medianMs, ISSUE10.restoreMs, formatMs),
    ])
  return rows
}

function dispatchBySizeTable(results: DispatchResult[]): string {
  return markdownTable(
    ['records', 'plain RTK (floor)', 'rtk-offline', 'added over the floor', 'rtk-offline ÷ floor', 'redux-offline', 'redux-offline added over the floor'],
    results.map((result) => {
      const floor = result.medianUs['plain RTK']!
      const ours = result.medianUs['rtk-offline']!
      const theirs = result.medianUs['redux-offline']
      return [
        formatCount(result.options.records),
        formatUs(floor),
        formatUs(ours),
        `**${formatUs(ours - floor)}**`,
        formatRatio(ours / floor),
        theirs === undefined ? '—' : formatUs(theirs),
        theirs === undefined ? '—' : formatUs(theirs - floor),
      ]
    }),
  )
}

function storedTable(rows: StoredRow[]): string {
  return markdownTable(
    ['contestant', 'operations made (one per record)', 'setItem / removeItem', 'written', 'written per operation', 'storage grew by', 'stored per operation'],
    rows.map((row) => [
      row.name,
      formatCount(row.operations),
      `${formatCount(row.writes)} / ${formatCount(row.removes)}`,
      formatBytes(row.written),
      `**${formatBytes(row.written / row.operations)}**`,
      formatBytes(row.grown),
      formatBytes(row.grown / row.operations),
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
      ratios.length === 0 ? '—' : ratios.map((ratio, index) => `${formatRatio(ratio)} at ${formatCount(production[index]!.options.pending)} pending`).join(', '),
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
  else {
    const issue10 = issue10Goals(results)
    if (issue10.length > 0) out.push('### Issue 10 goals', '', markdownTable(['goal', 'measured', ''], issue10), '')
    out.push('### Earlier goals', '', goalsTable(results), '')
  }
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
  if (results.dispatchBySize.length > 0) {
    const first = results.dispatchBySize[0]!.options
    out.push(
      '### 1c. Dispatch cost by record count, production',
      '',
      `Median µs per dispatch over ${first.rounds} alternating rounds of ${formatCount(first.roundUpdates)} updates (after ${formatCount(first.warmupUpdates)} warm-up updates), nothing pending before; what rtk-offline adds over the plain entity-adapter update at each size.`,
      '',
      dispatchBySizeTable(results.dispatchBySize),
      '',
    )
  }
  for (const drain of results.drain) {
    out.push(
      `### 2. Drain: ${formatCount(drain.options.operations)} operations on ${formatCount(drain.options.records)} records`,
      '',
      ...(drain.options.purpose ? [drain.options.purpose, ''] : []),
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
  if (results.stored.length > 0)
    out.push(
      '### 3a. Bytes per stored operation (localforage over fake-indexeddb)',
      '',
      'What persistence writes while operations are made offline, one dispatch per operation, until storage is quiet (values are ASCII JSON: characters are bytes).',
      '',
      storedTable(results.stored),
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
  if (results.restoreBrowser)
    out.push(
      "### 3c. Restore in Chromium's IndexedDB",
      '',
      results.restoreBrowser.skipped
        ? `Skipped: ${results.restoreBrowser.skipped}.`
        : markdownTable(
            ['browser', `restore ${formatCount(results.restoreBrowser.options.records)} records + ${formatCount(results.restoreBrowser.options.records)} operations (median)`, 'rounds', 'keys stored'],
            [
              [
                results.restoreBrowser.browser,
                `**${formatMs(results.restoreBrowser.medianMs)}**`,
                `${results.restoreBrowser.samples.map((ms) => formatMs(ms)).join(', ')} (after ${results.restoreBrowser.options.warmups} warm-up)`,
                formatCount(results.restoreBrowser.keys),
              ],
            ],
          ),
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
  out.push(...renderServerReport(results.server, config))
  return out.join('\n')
}
