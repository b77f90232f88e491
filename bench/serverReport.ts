import type { BenchConfig } from './config'
import { markdownTable } from './lib/markdown'
import { formatCount, formatMs, formatRatio } from './lib/stats'
import type { ServerDrainResult, ServerDrainRow } from './workloads/serverDrain'
import type { ServerResults } from './workloads/serverWorkloads'

/** What issue 11 asks of the batch adapter against redux-offline on the same server; goals, not assertions. */
export const SERVER_GOALS = { drainSpeedup: 50, drainRequests: 100 }

const met = (ok: boolean) => (ok ? 'met' : '**missed**')

/** A row's time at the drain's full `operations`: measured, or extrapolated per operation from fewer. */
function fullTime(row: ServerDrainRow, operations: number): { ms: number; extrapolated: boolean } {
  return row.operations === operations ? { ms: row.medianMs, extrapolated: false } : { ms: row.msPerOperation * operations, extrapolated: true }
}

function fullRequests(row: ServerDrainRow, operations: number): number {
  return row.operations === operations ? row.medianRequests : (row.medianRequests / row.operations) * operations
}

function drainTable(result: ServerDrainResult): string {
  const { operations } = result.options
  const redux = result.rows.find((row) => row.name === 'redux-offline')!
  const reduxMs = fullTime(redux, operations).ms
  const reduxRequests = fullRequests(redux, operations)
  return markdownTable(
    ['contestant', 'ops drained', 'time to last confirmed (median)', 'per op', `time at ${formatCount(operations)}`, `requests at ${formatCount(operations)}`, 'redux-offline ÷ this: time / requests', 'setup'],
    result.rows.map((row) => {
      const full = fullTime(row, operations)
      const requests = fullRequests(row, operations)
      return [
        row.name,
        formatCount(row.operations),
        `${formatMs(row.medianMs)} (${formatCount(row.medianRequests)} requests)`,
        formatMs(row.msPerOperation),
        full.extrapolated ? `≈ ${formatMs(full.ms)} (extrapolated)` : `**${formatMs(full.ms)}**`,
        full.extrapolated ? `${formatCount(requests)} (one per op)` : formatCount(requests),
        row === redux ? '—' : `${formatRatio(reduxMs / full.ms)} / ${formatRatio(reduxRequests / requests)}`,
        row.note,
      ]
    }),
  )
}

/** The issue's two drain goals, judged per database with the adapter's default batch (100) and with 500. */
export function serverGoals(results: ServerResults): string[][] {
  const rows: string[][] = []
  for (const result of results.drain) {
    const { operations } = result.options
    const redux = result.rows.find((row) => row.name === 'redux-offline')!
    const reduxFull = fullTime(redux, operations)
    const reduxRequests = fullRequests(redux, operations)
    for (const row of result.rows.filter((candidate) => candidate.name.includes('sync protocol'))) {
      const ours = fullTime(row, operations)
      const speedup = reduxFull.ms / ours.ms
      const fewer = reduxRequests / row.medianRequests
      const batch = row.name.replace(/^.*batch /, 'batch ')
      rows.push(
        [
          `${result.database}, ${batch}: drain of ${formatCount(operations)} ≥ ${SERVER_GOALS.drainSpeedup}× faster than redux-offline`,
          `${formatRatio(speedup)} (${formatMs(ours.ms)} vs ${reduxFull.extrapolated ? '≈ ' : ''}${formatMs(reduxFull.ms)}${reduxFull.extrapolated ? `, redux-offline extrapolated from ${formatCount(redux.operations)}` : ''})`,
          speedup >= SERVER_GOALS.drainSpeedup ? 'met' : `**missed** (${formatRatio(SERVER_GOALS.drainSpeedup / speedup)} short)`,
        ],
        [
          `${result.database}, ${batch}: ≥ ${SERVER_GOALS.drainRequests}× fewer requests`,
          `${formatRatio(fewer)} (${formatCount(row.medianRequests)} vs ${formatCount(reduxRequests)})`,
          met(fewer >= SERVER_GOALS.drainRequests),
        ],
      )
    }
  }
  return rows
}

/** What the server workloads found wrong (the bench fails after printing its report when any). */
export function serverFailures(results: ServerResults): string[] {
  return results.pull.flatMap((result) =>
    result.rows
      .filter((row) => row.received !== result.options.records)
      .map((row) => `server-pull on ${result.database}: the client held ${row.received} of ${result.options.records} records after its last page (pages of ${row.limit})`),
  )
}

/** Sections 6–8: issue 11's server workloads. Empty when none ran. */
export function renderServerReport(results: ServerResults, config: BenchConfig): string[] {
  const out: string[] = []
  if (results.drain.length === 0 && results.throughput.length === 0 && results.pull.length === 0) return out
  const server = `rtk-offline/server (createSyncServer + serveSyncServer, from dist/) in a child process on 127.0.0.1, ${config.latencyMs} ms added per answer; PGlite in memory in the server's process (one connection: transactions run one at a time), PostgreSQL through \`pg\` (Pool of 10)`
  if (config.profile !== 'smoke' && results.drain.length > 0)
    out.push('### Issue 11 goals (server drain)', '', markdownTable(['goal', 'measured', ''], serverGoals(results)), '')
  for (const result of results.drain) {
    const { options } = result
    out.push(
      `### 6. Server drain on ${result.database}: ${formatCount(options.operations)} operations on ${formatCount(options.records)} records, one change per record`,
      '',
      `${server}. The records are on the server (${options.seed === 'sql' ? 'written into its tables' : 'created through batch pushes'}, then ANALYZE) and in the client before the clock starts; the clock runs from going online to the last operation confirmed. ` +
        `Median of ${options.rounds} round${options.rounds === 1 ? '' : 's'}, order rotated.` +
        (options.slowOperations < options.operations
          ? ` The one-request-per-operation rows drained ${formatCount(options.slowOperations)} operations (of the same ${formatCount(options.records)} records); their time at ${formatCount(options.operations)} is that per-operation time × ${formatCount(options.operations)}, **extrapolated, not measured** (\`npm run bench -- --full --only=server-drain\` drains all).`
          : ''),
      '',
      drainTable(result),
      '',
    )
  }
  for (const result of results.throughput) {
    const { options } = result
    out.push(
      `### 7. Server throughput on ${result.database}`,
      '',
      `${server}. ${formatCount(options.operations)} creates split over the clients, each client a \`createSyncProtocolAdapter\` pushing batches of ${options.batchSize}, one request after the other, all clients at once; operations applied per second of wall time, median of ${options.rounds}. ` +
        'Scope "per client": each client its own user; "shared": one user\'s scope, whose writers take turns (the change feed\'s row lock).' +
        (result.database === 'PGlite' ? ' PGlite has one connection: its transactions run one at a time whatever the clients.' : ''),
      '',
      markdownTable(
        ['clients', 'scope', 'operations applied / s', 'requests', 'ops sent again after a dropped connection', 'rounds'],
        result.rows.map((row) => [
          formatCount(row.clients),
          row.scopes,
          `**${formatCount(Math.round(row.opsPerSecond))}**`,
          formatCount(row.requests),
          formatCount(row.retried),
          row.samples.map((sample) => formatCount(Math.round(sample))).join(', '),
        ]),
      ),
      '',
    )
  }
  for (const result of results.pull) {
    const { options } = result
    out.push(
      `### 8. Server pull on ${result.database}: ${formatCount(options.records)} records into an empty client`,
      '',
      `${server}. The records were ${options.seed === 'sql' ? 'written into the server\'s tables' : 'created through batch pushes'} once (not timed); each round a new rtk-offline store (\`createSyncProtocolAdapter\`, pull on, nothing else) goes online and the clock runs until its last page (hasMore false) is applied; the records its view then holds are counted. Median of ${options.rounds}.`,
      '',
      markdownTable(
        ['page size (`pull: { limit }`)', 'pages', 'time to last page applied', 'records / s', 'records in the client', 'rounds'],
        result.rows.map((row) => [
          formatCount(row.limit),
          formatCount(row.pages),
          `**${formatMs(row.medianMs)}**`,
          formatCount(Math.round(options.records / (row.medianMs / 1000))),
          row.received === options.records ? formatCount(row.received) : `**${formatCount(row.received)} of ${formatCount(options.records)}: records lost**`,
          row.samples.map((sample) => formatMs(sample.ms)).join(', '),
        ]),
      ),
      '',
    )
  }
  return out
}
