/**
 * Dispatch cost at 10, 100 and 1,000 records (production mode), rtk-offline against the plain
 * entity-adapter floor, loaded from src (no build needed) unless `--dist` is given. For profiling:
 *
 *   node --expose-gc --import tsx bench/profile/dispatch.ts [--dist] [--records=10,100,1000] [--updates=20000] [--only=rtk]
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --expose-gc --import tsx bench/profile/dispatch.ts --only=rtk --records=100
 *
 * Prints the median µs of CPU time per dispatch of 5 alternating rounds and the difference to the floor.
 */
import { createPlainRtkStore } from '../contestants/plainRtkStore'
import { createInProcessAdapter, createRtkOfflineStore } from '../contestants/rtkOfflineStore'
import { makeRecords, updateAt } from '../lib/records'
import { median } from '../lib/stats'
import { collectGarbage, nextMacrotask } from '../lib/tick'
import { arg, loadLib } from './profileSupport'

const recordCounts = (arg('records') ?? '10,100,1000').split(',').map(Number)
const updates = Number(arg('updates') ?? 20_000)
const only = arg('only')
const rounds = 5

interface Target {
  update(id: string, changes: { title: string; n: number }): unknown
}

/** µs per dispatch of this process's CPU time (on a shared machine, wall time includes waiting for a core). */
async function time(target: Target, records: number, from: number, count: number): Promise<number> {
  const start = process.cpuUsage()
  for (let index = from; index < from + count; index++) {
    const { id, changes } = updateAt('r', records, index)
    target.update(id, changes)
    if ((index + 1 - from) % 1000 === 0) await nextMacrotask()
  }
  await nextMacrotask()
  const used = process.cpuUsage(start)
  return (used.user + used.system) / count
}

async function main(): Promise<void> {
  const lib = await loadLib()
  for (const records of recordCounts) {
    const todos = makeRecords('r', records)
    const targets: [string, Target][] = []
    if (only !== 'rtk') targets.push(['plain', createPlainRtkStore({ mode: 'production', todos, notes: [] })])
    const rtk = createRtkOfflineStore({ lib, mode: 'production', adapter: createInProcessAdapter(), todos, online: false })
    if (only !== 'plain') targets.push(['rtk-offline', rtk])
    const samples = new Map<string, number[]>(targets.map(([name]) => [name, []]))
    let done = 0
    for (const [, target] of targets) await time(target, records, 0, 2000)
    done = 2000
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? targets : [...targets].reverse()
      for (const [name, target] of order) {
        collectGarbage()
        samples.get(name)!.push(await time(target, records, done, updates))
      }
      done += updates
    }
    rtk.stop()
    if (rtk.errors.length > 0) throw new Error(String(rtk.errors[0]))
    const medians = new Map([...samples].map(([name, values]) => [name, median(values)]))
    const plain = medians.get('plain')
    const ours = medians.get('rtk-offline')
    console.log(
      `${String(records).padStart(5)} records: ` +
        [...medians].map(([name, us]) => `${name} ${us.toFixed(1)} µs`).join(', ') +
        (plain !== undefined && ours !== undefined ? `; added ${(ours - plain).toFixed(1)} µs (${(ours / plain).toFixed(2)}×)` : ''),
    )
  }
}

await main()
