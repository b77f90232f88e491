/**
 * Restore time: storage (localforage over fake-indexeddb) holding `records` confirmed records and as many
 * pending updates (one per record), filled by rtk-offline itself, then `rounds` new stores restored from
 * it, each timed from its creation until `persistor.ready` (wall time, and this process's CPU time). Loaded from src unless `--dist` is given.
 *
 *   node --expose-gc --import tsx bench/profile/restore.ts [--dist] [--records=10000] [--rounds=5]
 *   node --expose-gc --import tsx bench/profile/restore.ts --profile=/tmp/restore.cpuprofile   # the restore rounds only
 *   node --import tsx bench/profile/summarize.ts /tmp/restore.cpuprofile
 *   node --expose-gc --import tsx bench/profile/restore.ts --dist --allocations   # MB allocated per restore, and where
 *
 * `--allocations`: V8's sampling heap profiler over the restore rounds (a sample every 4 KiB, objects the
 * garbage collector took included): what each round allocates, by function. It does not depend on the
 * machine's load, and the garbage collector's share of a restore follows it. Profile a build (`--dist`) to
 * get line numbers.
 */
import { createInProcessAdapter, createRtkOfflineStore } from '../contestants/rtkOfflineStore'
import { createCountingStorage } from '../lib/countingStorage'
import { makeRecords, updateAt } from '../lib/records'
import { median } from '../lib/stats'
import { collectGarbage } from '../lib/tick'
import { allocationSampler, arg, cpuProfiler, loadLib } from './profileSupport'

const records = Number(arg('records') ?? 10_000)
const rounds = Number(arg('rounds') ?? 5)

const lib = await loadLib()
const storage = await createCountingStorage()
try {
  const filler = createRtkOfflineStore({ lib, mode: 'production', adapter: createInProcessAdapter(), todos: makeRecords('r', records), online: false, storage })
  await filler.persistor!.ready
  filler.updateMany(Array.from({ length: records }, (_, index) => updateAt('r', records, index)))
  await filler.persistor!.flush()
  filler.stop()
  await storage.settle(300, 120_000)
  const samples: number[] = []
  // CPU time of this process too: on a shared machine wall time includes waiting for a core.
  const cpuSamples: number[] = []
  const profiler = await cpuProfiler()
  const allocations = await allocationSampler()
  await profiler.start()
  await allocations.start()
  for (let round = 0; round < rounds; round++) {
    collectGarbage()
    const start = performance.now()
    const cpuStart = process.cpuUsage()
    const client = createRtkOfflineStore({ lib, mode: 'production', adapter: createInProcessAdapter(), todos: [], emptyView: true, online: false, storage })
    await client.persistor!.ready
    const ms = performance.now() - start
    const cpu = process.cpuUsage(cpuStart)
    samples.push(ms)
    cpuSamples.push((cpu.user + cpu.system) / 1000)
    if (client.pending() !== records || client.record(`r${records - 1}`)?.n !== records - 1) throw new Error('restore: the restored store does not hold every operation and change')
    client.stop()
    await storage.settle(300, 60_000)
  }
  await profiler.stop()
  profiler.close()
  await allocations.report(rounds)
  console.log(`restore of ${records} records + ${records} operations: median ${median(samples).toFixed(0)} ms (rounds: ${samples.map((ms) => ms.toFixed(0)).join(', ')} ms); CPU time median ${median(cpuSamples).toFixed(0)} ms`)
} finally {
  await storage.drop()
}
