/**
 * The drain one request at a time (no coalescing, batchSize 1) against a plain `await fetch` loop, over
 * the bench server (a child process, 1 ms added latency): wall time and this process's CPU time per
 * operation (the server's CPU is not counted, so the CPU figure is the client's own cost). Loaded from
 * src unless `--dist` or `--src=` is given.
 *
 *   node --expose-gc --import tsx bench/profile/drain.ts [--operations=1000] [--records=100] [--rounds=3]
 *   node --expose-gc --import tsx bench/profile/drain.ts --profile=/tmp/drain.cpuprofile   # rtk-offline's drains only
 *
 * Scaling (one change per record: CPU per operation should not grow with the store), one round each:
 *
 *   node --expose-gc --import tsx bench/profile/drain.ts --operations=1000 --records=1000 --rounds=1
 *   node --expose-gc --import tsx bench/profile/drain.ts --operations=10000 --records=10000 --rounds=1
 */
import { createRtkOfflineStore } from '../contestants/rtkOfflineStore'
import { makeRecords, updateAt } from '../lib/records'
import { median } from '../lib/stats'
import { collectGarbage, nextMacrotask, waitUntil } from '../lib/tick'
import { startBenchServer } from '../server/startBenchServer'
import { arg, cpuProfiler, loadLib } from './profileSupport'

const operations = Number(arg('operations') ?? 1000)
const records = Number(arg('records') ?? 100)
const rounds = Number(arg('rounds') ?? 3)

const lib = await loadLib()
const server = await startBenchServer({ latencyMs: 1 })
const profiler = await cpuProfiler()

interface Sample {
  wallMs: number
  cpuMs: number
}

async function timed(run: () => Promise<void>): Promise<Sample> {
  collectGarbage()
  const wall = performance.now()
  const cpu = process.cpuUsage()
  await run()
  const used = process.cpuUsage(cpu)
  return { wallMs: performance.now() - wall, cpuMs: (used.user + used.system) / 1000 }
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
    coalesce: false,
    batchSize: 1,
  })
  client.updateMany(Array.from({ length: operations }, (_, index) => updateAt('r', records, index)))
  await nextMacrotask()
  await profiler.start()
  const sample = await timed(async () => {
    client.network.setOnline(true)
    await waitUntil(client.store.subscribe, client.isDrained, 300_000)
  })
  await profiler.stop()
  client.stop()
  if (client.errors.length > 0 || client.pending() !== 0) throw new Error(`drain: ${String(client.errors[0] ?? 'not drained')}`)
  return sample
}

async function fetchRound(): Promise<Sample> {
  await server.reset()
  await server.seed('todos', makeRecords('r', records))
  return timed(async () => {
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

try {
  await rtkRound()
  await fetchRound()
  const rtk: Sample[] = []
  const loop: Sample[] = []
  for (let round = 0; round < rounds; round++) {
    if (round % 2 === 0) {
      rtk.push(await rtkRound())
      loop.push(await fetchRound())
    } else {
      loop.push(await fetchRound())
      rtk.push(await rtkRound())
    }
  }
  const show = (name: string, samples: Sample[]) =>
    `${name}: ${median(samples.map((s) => s.wallMs)).toFixed(0)} ms wall, ${((median(samples.map((s) => s.cpuMs)) / operations) * 1000).toFixed(0)} µs CPU per operation`
  const ratio = median(rtk.map((s) => s.wallMs)) / median(loop.map((s) => s.wallMs))
  console.log(`${operations} operations over ${records} records, one at a time: ${show('rtk-offline', rtk)}; ${show('fetch loop', loop)}; wall ratio ${ratio.toFixed(2)}×`)
} finally {
  profiler.close()
  await server.close()
}
