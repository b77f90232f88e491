/**
 * The drain one request at a time (no coalescing, batchSize 1) against a plain `await fetch` loop, over
 * the bench server (a child process, 1 ms added latency): wall time and this process's CPU time per
 * operation (the server's CPU is not counted, so the CPU figure is the client's own cost). Loaded from
 * src unless `--dist` or `--src=` is given.
 *
 *   node --expose-gc --import tsx bench/profile/drain.ts [--operations=1000] [--records=100] [--rounds=3]
 *   node --expose-gc --import tsx bench/profile/drain.ts --profile=/tmp/drain.cpuprofile   # rtk-offline's drains only
 *   node --expose-gc --import tsx bench/profile/drain.ts --profile=/tmp/loop.cpuprofile --profile-against   # the fetch loop's instead
 *
 * Scaling (one change per record: CPU per operation should not grow with the store), one round each:
 *
 *   node --expose-gc --import tsx bench/profile/drain.ts --operations=1000 --records=1000 --rounds=1
 *   node --expose-gc --import tsx bench/profile/drain.ts --operations=10000 --records=10000 --rounds=1
 *
 * The bench's default-configuration row (coalescing on, batchSize 20; the fetch loop still one at a time):
 *
 *   node --expose-gc --import tsx bench/profile/drain.ts --operations=10000 --records=10000 --rounds=1 --batchSize=20 --coalesce
 *
 * `--gaps` also prints, per contestant, the median time from one answer's body read to the next request's
 * `fetch` call (the client's own time on the critical path, one at a time) and from a `fetch` call to its
 * body read (the request, as the client sees it), from a wrapper around the global `fetch`.
 *
 * `--against=tanstack` times TanStack Query's paused mutations (a scope per record, 20 at a time) in place of
 * the fetch loop: the bench's "at the same number of requests" comparison. `--against=redux-offline` times
 * redux-offline's outbox (persistence off, its default fetch effect, one action at a time): the bench's
 * "one request at a time against redux-offline" comparison, paired round by round.
 */
import { createReduxOfflineStore } from '../contestants/reduxOfflineStore'
import { createRtkOfflineStore } from '../contestants/rtkOfflineStore'
import { createTanstackQueryClient } from '../contestants/tanstackQueryClient'
import { makeRecords, updateAt } from '../lib/records'
import { median } from '../lib/stats'
import { collectGarbage, nextMacrotask, waitUntil } from '../lib/tick'
import { startBenchServer } from '../server/startBenchServer'
import { arg, cpuProfiler, flag, loadLib } from './profileSupport'

const operations = Number(arg('operations') ?? 1000)
const records = Number(arg('records') ?? 100)
const rounds = Number(arg('rounds') ?? 3)
/** `--batchSize=20 --coalesce`: the engine's defaults, as the bench's "rtk-offline" row (one change per record sends 20 at a time). */
const batchSize = Number(arg('batchSize') ?? 1)
const coalesce = flag('coalesce')
/** `--against=tanstack` or `--against=redux-offline` instead of the fetch loop. */
const against = arg('against') === 'tanstack' ? 'tanstack' : arg('against') === 'redux-offline' ? 'redux-offline' : 'fetch'

/** `--gaps`: each request's fetch call, body read, and the time since the previous body read (ms). */
const gaps: { call: number; body: number; since: number }[] = []
let lastBody = Number.NaN
if (flag('gaps')) {
  const plain = globalThis.fetch
  globalThis.fetch = async (...args: Parameters<typeof fetch>) => {
    const entry = { call: performance.now(), body: Number.NaN, since: Number.NaN }
    entry.since = entry.call - lastBody
    gaps.push(entry)
    const response = await plain(...args)
    const read = (text: () => Promise<string>) => async () => {
      const body = await text()
      entry.body = lastBody = performance.now()
      return body
    }
    response.text = read(response.text.bind(response))
    const json = response.json.bind(response)
    response.json = async () => {
      const body: unknown = await json()
      entry.body = lastBody = performance.now()
      return body
    }
    return response
  }
}
/** The median gaps of the requests since the last call, in µs; empties the log. */
function takeGaps(): { since: number; sinceMean: number; request: number; requestMean: number } {
  const taken = gaps.splice(0).filter((entry) => !Number.isNaN(entry.since) && !Number.isNaN(entry.body))
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length
  const since = taken.map((entry) => entry.since)
  const request = taken.map((entry) => entry.body - entry.call)
  return { since: median(since) * 1000, sinceMean: mean(since) * 1000, request: median(request) * 1000, requestMean: mean(request) * 1000 }
}

const lib = await loadLib()
const server = await startBenchServer({ latencyMs: 1 })
const profiler = await cpuProfiler()

interface Sample {
  wallMs: number
  cpuMs: number
  /** With `--gaps`: median µs from one answer's body read to the next fetch call, and of a request. */
  gap?: ReturnType<typeof takeGaps>
}

async function timed(run: () => Promise<void>): Promise<Sample> {
  collectGarbage()
  gaps.length = 0
  lastBody = Number.NaN
  const wall = performance.now()
  const cpu = process.cpuUsage()
  await run()
  const used = process.cpuUsage(cpu)
  const sample: Sample = { wallMs: performance.now() - wall, cpuMs: (used.user + used.system) / 1000 }
  if (flag('gaps')) sample.gap = takeGaps()
  return sample
}

/** {@link timed}, inside the CPU profile when `profiled` (`--profile-against`: the fetch loop's profile instead of rtk-offline's). */
async function profiledIf(profiled: boolean, run: () => Promise<void>): Promise<Sample> {
  if (profiled) await profiler.start()
  const sample = await timed(run)
  if (profiled) await profiler.stop()
  return sample
}

async function rtkRound(): Promise<Sample> {
  await server.reset()
  await server.seed('todos', makeRecords('r', records))
  const client = createRtkOfflineStore({
    lib,
    mode: 'production',
    adapter: lib.createRestAdapter({ baseUrl: server.url }),
    todos: makeRecords('r', records),
    online: false,
    coalesce,
    batchSize,
  })
  client.updateMany(Array.from({ length: operations }, (_, index) => updateAt('r', records, index)))
  await nextMacrotask()
  const sample = await profiledIf(!flag('profile-against'), async () => {
    client.network.setOnline(true)
    await waitUntil(client.store.subscribe, client.isDrained, 300_000)
  })
  client.stop()
  if (client.errors.length > 0 || client.pending() !== 0) throw new Error(`drain: ${String(client.errors[0] ?? 'not drained')}`)
  return sample
}

async function fetchRound(): Promise<Sample> {
  await server.reset()
  await server.seed('todos', makeRecords('r', records))
  return profiledIf(flag('profile-against'), async () => {
    for (let index = 0; index < operations; index++) {
      const { id, changes } = updateAt('r', records, index)
      const response = await fetch(`${server.url}/todos/${encodeURIComponent(id)}`, {
        method: 'PATCH',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(changes),
      })
      await response.text()
    }
  })
}

async function tanstackRound(): Promise<Sample> {
  await server.reset()
  await server.seed('todos', makeRecords('r', records))
  const client = createTanstackQueryClient({ baseUrl: server.url, scope: 'record', concurrency: 20 })
  client.goOffline()
  for (let index = 0; index < operations; index++) {
    const { id, changes } = updateAt('r', records, index)
    client.update(id, changes)
  }
  await nextMacrotask()
  const sample = await timed(async () => {
    const { failures } = await client.drain()
    if (failures > 0) throw new Error(`drain: TanStack Query: ${failures} failed`)
  })
  client.dispose()
  return sample
}

async function reduxOfflineRound(): Promise<Sample> {
  await server.reset()
  await server.seed('todos', makeRecords('r', records))
  const updates = Array.from({ length: operations }, (_, index) => updateAt('r', records, index))
  const client = createReduxOfflineStore({ mode: 'production', baseUrl: server.url, todos: makeRecords('r', records), madeOffline: updates })
  await client.ready
  await nextMacrotask()
  return profiledIf(flag('profile-against'), async () => {
    client.setOnline(true)
    await waitUntil(client.store.subscribe, client.isDrained, 300_000)
    if (client.pending() !== 0 || client.rolledBack() !== 0) throw new Error('drain: redux-offline did not drain')
  })
}

const otherRound = against === 'tanstack' ? tanstackRound : against === 'redux-offline' ? reduxOfflineRound : fetchRound
const otherName =
  against === 'tanstack' ? 'TanStack Query (scope per record, 20 at a time)' : against === 'redux-offline' ? 'redux-offline (one at a time)' : 'fetch loop'

try {
  await rtkRound()
  await otherRound()
  const rtk: Sample[] = []
  const loop: Sample[] = []
  for (let round = 0; round < rounds; round++) {
    if (round % 2 === 0) {
      rtk.push(await rtkRound())
      loop.push(await otherRound())
    } else {
      loop.push(await otherRound())
      rtk.push(await rtkRound())
    }
  }
  const showGaps = (samples: Sample[]) =>
    flag('gaps')
      ? ` (answer to next request ${median(samples.map((s) => s.gap!.since)).toFixed(0)} µs median, ${median(samples.map((s) => s.gap!.sinceMean)).toFixed(0)} mean; request ${median(samples.map((s) => s.gap!.request)).toFixed(0)} µs median, ${median(samples.map((s) => s.gap!.requestMean)).toFixed(0)} mean)`
      : ''
  const show = (name: string, samples: Sample[]) =>
    `${name}: ${median(samples.map((s) => s.wallMs)).toFixed(0)} ms wall, ${((median(samples.map((s) => s.cpuMs)) / operations) * 1000).toFixed(0)} µs CPU per operation${showGaps(samples)}`
  const ratio = median(rtk.map((s) => s.wallMs)) / median(loop.map((s) => s.wallMs))
  console.log(`${operations} operations over ${records} records, ${batchSize === 1 ? 'one at a time' : `batchSize ${batchSize}${coalesce ? ', coalescing' : ''}`}: ${show('rtk-offline', rtk)}; ${show(otherName, loop)}; wall ratio ${ratio.toFixed(2)}×`)
} finally {
  profiler.close()
  await server.close()
}
