/**
 * Restore time: storage (localforage over fake-indexeddb) holding `records` confirmed records and as many
 * pending updates (one per record), filled by rtk-offline itself, then `rounds` new stores restored from
 * it, each timed from its creation until `persistor.ready` (wall time, and this process's CPU time). Loaded from src unless `--dist` is given.
 *
 *   node --expose-gc --import tsx bench/profile/restore.ts [--dist] [--records=10000] [--rounds=5]
 *   node --expose-gc --import tsx bench/profile/restore.ts --profile=/tmp/restore.cpuprofile   # the restore rounds only
 *   node --import tsx bench/profile/summarize.ts /tmp/restore.cpuprofile
 */
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { createInProcessAdapter, createRtkOfflineStore } from '../contestants/rtkOfflineStore'
import { createCountingStorage } from '../lib/countingStorage'
import { loadRtkOffline, type RtkOffline } from '../lib/loadRtkOffline'
import { makeRecords, updateAt } from '../lib/records'
import { median } from '../lib/stats'
import { collectGarbage } from '../lib/tick'

const args = process.argv.slice(2)
const arg = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3)
const records = Number(arg('records') ?? 10_000)
const rounds = Number(arg('rounds') ?? 5)

/** From dist/ (`--dist`), another source tree (`--src=/path/to/src`, to compare with a baseline), or this src. */
async function load(): Promise<RtkOffline> {
  if (args.includes('--dist')) return loadRtkOffline()
  // The core entry and the opt-in persistence entry (src/persist) side by side, as loadRtkOffline does for dist/.
  const src = resolve(arg('src') ?? new URL('../../src', import.meta.url).pathname)
  const core = (await import(pathToFileURL(resolve(src, 'index.ts')).href)) as object
  const persist = (await import(pathToFileURL(resolve(src, 'persist/index.ts')).href)) as object
  return { ...core, ...persist } as RtkOffline
}

const lib = await load()
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
  const profile = arg('profile')
  const session = profile ? new Session() : null
  if (session) {
    session.connect()
    await session.post('Profiler.enable')
    await session.post('Profiler.setSamplingInterval', { interval: 200 })
    await session.post('Profiler.start')
  }
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
  if (session) {
    const { profile: result } = await session.post('Profiler.stop')
    writeFileSync(profile!, JSON.stringify(result))
    session.disconnect()
  }
  console.log(`restore of ${records} records + ${records} operations: median ${median(samples).toFixed(0)} ms (rounds: ${samples.map((ms) => ms.toFixed(0)).join(', ')} ms); CPU time median ${median(cpuSamples).toFixed(0)} ms`)
} finally {
  await storage.drop()
}
