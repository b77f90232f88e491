/**
 * One contestant of the memory workload, in a process of its own (node --expose-gc): a store online
 * with an in-process backend; waves of one update per record, each wave drained before the next;
 * the heap measured after a forced GC at each checkpoint of operations drained. Prints one JSON line.
 *
 * argv: <contestant: rtk-offline | redux-offline> <records> <checkpoints, comma-separated>
 */
import { createReduxOfflineStore } from '../contestants/reduxOfflineStore'
import { createInProcessAdapter, createRtkOfflineStore } from '../contestants/rtkOfflineStore'
import { loadRtkOffline } from '../lib/loadRtkOffline'
import { makeRecords, updateAt } from '../lib/records'
import { collectGarbage, nextMacrotask, waitUntil } from '../lib/tick'

export interface MemoryReport {
  contestant: string
  records: number
  /** Heap used after a forced GC, in bytes, by operations drained so far. */
  heapUsed: Record<string, number>
  seconds: number
}

interface Client {
  update(id: string, changes: { title: string; n: number }): unknown
  isDrained(): boolean
  store: { subscribe(listener: () => void): () => void }
  drained(): number
  stop(): void
}

async function main(): Promise<void> {
  const [contestant = '', recordsArg = '', checkpointsArg = ''] = process.argv.slice(2)
  const records = Number(recordsArg)
  const checkpoints = checkpointsArg.split(',').map(Number)
  if (typeof (globalThis as { gc?: unknown }).gc !== 'function') throw new Error('memory: run with node --expose-gc')
  if (!Number.isInteger(records) || records < 1 || checkpoints.some((value) => !Number.isInteger(value) || value % records !== 0))
    throw new Error(`memory: bad arguments ${process.argv.slice(2).join(' ')} (checkpoints must be multiples of the record count)`)
  const todos = makeRecords('r', records)
  let client: Client
  if (contestant === 'rtk-offline') {
    const lib = await loadRtkOffline()
    const adapter = createInProcessAdapter()
    const rtk = createRtkOfflineStore({ lib, mode: 'production', adapter, todos, online: true })
    client = {
      ...rtk,
      drained: () => adapter.pushed,
      stop: () => {
        rtk.stop()
        if (rtk.errors.length > 0) throw new Error(`memory: rtk-offline reported ${String(rtk.errors[0])}`)
      },
    }
  } else if (contestant === 'redux-offline') {
    let drained = 0
    const redux = createReduxOfflineStore({
      mode: 'production',
      baseUrl: 'http://backend.invalid',
      todos,
      // In-process, like the rtk-offline adapter: the request "succeeds" with the record on the next tick.
      effect: async (effect) => {
        drained += 1
        return { ...(effect as { json?: object }).json, version: drained }
      },
    })
    redux.setOnline(true)
    client = { ...redux, drained: () => drained, stop: () => {} }
  } else throw new Error(`memory: unknown contestant ${contestant}`)

  const heapUsed: Record<string, number> = {}
  const start = performance.now()
  let index = 0
  const last = Math.max(...checkpoints)
  const measure = () => {
    collectGarbage()
    heapUsed[String(client.drained())] = process.memoryUsage().heapUsed
  }
  if (checkpoints.includes(0)) measure()
  while (index < last) {
    for (let record = 0; record < records; record++, index++) {
      const { id, changes } = updateAt('r', records, index)
      client.update(id, changes)
    }
    if (!(await waitUntil(client.store.subscribe, client.isDrained, 30_000))) throw new Error(`memory: ${contestant} did not drain a wave within 30 s`)
    await nextMacrotask()
    if (client.drained() !== index) throw new Error(`memory: ${contestant} drained ${client.drained()} operations, expected ${index}`)
    if (checkpoints.includes(index)) measure()
  }
  client.stop()
  const report: MemoryReport = { contestant, records, heapUsed, seconds: (performance.now() - start) / 1000 }
  process.stdout.write(`${JSON.stringify(report)}\n`)
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
