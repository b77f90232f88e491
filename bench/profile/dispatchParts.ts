/**
 * Where a dispatch's time goes, part by part, at 10, 100 and 1,000 records (production mode, offline):
 * the enqueue middleware's stamping, the entity slice's reducer, the sync slice's reducer and the rest
 * of the store (listener middleware, subscribers), each timed alone on the same stamped actions, beside
 * the plain entity-adapter update, in µs of CPU time (median of 5 rounds). Loaded from src.
 *
 *   node --expose-gc --import tsx bench/profile/dispatchParts.ts [--records=10,100,1000] [--updates=20000] [--src=/other/src]
 */
import { configureStore, type Middleware, type UnknownAction } from '@reduxjs/toolkit'
import { createPlainRtkStore } from '../contestants/plainRtkStore'
import { createInProcessAdapter } from '../contestants/rtkOfflineStore'
import { defaultMiddlewareOptions } from '../lib/checks'
import { entityState, makeRecords, updateAt, type BenchRecord } from '../lib/records'
import { median } from '../lib/stats'
import { collectGarbage } from '../lib/tick'
import { arg, loadLib } from './profileSupport'

const recordCounts = (arg('records') ?? '10,100,1000').split(',').map(Number)
const updates = Number(arg('updates') ?? 20_000)
const lib = await loadLib()

function timeUs(count: number, run: (index: number) => void): number {
  const samples: number[] = []
  for (let round = 0; round < 5; round++) {
    collectGarbage()
    // CPU time of this process: on a shared machine wall time includes waiting for a core.
    const start = process.cpuUsage()
    for (let index = 0; index < count; index++) run(index)
    const used = process.cpuUsage(start)
    samples.push((used.user + used.system) / count)
  }
  return median(samples)
}

for (const records of recordCounts) {
  const todosRecords = makeRecords('r', records)
  const todos = lib.createSyncedEntity<BenchRecord>({ name: 'todos', pull: false })
  const sync = lib.createOfflineSync({ entities: [todos], adapter: createInProcessAdapter(), network: lib.createManualNetworkStatus(false) })
  const stamped: UnknownAction[] = []
  const recorder: Middleware = () => (next) => (action) => {
    stamped.push(action as UnknownAction)
    return next(action)
  }
  const store = configureStore({
    reducer: { todos: todos.reducer, [sync.reducerPath]: sync.reducer },
    preloadedState: { todos: { ...todos.reducer(undefined, { type: 'init' }), ...entityState(todosRecords) } },
    middleware: (getDefault) => getDefault(defaultMiddlewareOptions('production')).concat(sync.middleware, recorder),
  })
  // Warm: every record gets its pending operation, then the stamped actions of `updates` more changes are kept.
  for (let index = 0; index < records; index++) store.dispatch(todos.actions.updated(updateAt('r', records, index)))
  const whole = timeUs(updates, (index) => store.dispatch(todos.actions.updated(updateAt('r', records, records + index))))
  stamped.length = 0
  store.dispatch(todos.actions.updated(updateAt('r', records, 0)))
  const action = stamped[0]!
  const state = store.getState()
  const entityReducer = timeUs(updates, () => todos.reducer(state.todos as never, action))
  const syncReducer = timeUs(updates, () => sync.reducer(state[sync.reducerPath] as never, action))
  // The middleware chain alone: a store whose reducers ignore the action.
  const chain = configureStore({
    reducer: (s: unknown = state) => s,
    middleware: (getDefault) => getDefault(defaultMiddlewareOptions('production')).concat(sync.middleware),
  })
  const middleware = timeUs(updates, (index) => chain.dispatch(todos.actions.updated(updateAt('r', records, index))))
  sync.stop()

  const plain = createPlainRtkStore({ mode: 'production', todos: todosRecords, notes: [] })
  for (let index = 0; index < 2000; index++) plain.update(...(Object.values(updateAt('r', records, index)) as [string, never]))
  const floor = timeUs(updates, (index) => {
    const { id, changes } = updateAt('r', records, index)
    plain.update(id, changes)
  })
  console.log(
    `${String(records).padStart(5)} records: dispatch ${whole.toFixed(1)} µs (floor ${floor.toFixed(1)}, added ${(whole - floor).toFixed(1)}); ` +
      `entity reducer ${entityReducer.toFixed(1)}, sync reducer ${syncReducer.toFixed(1)}, middleware chain (stamp + listeners, reducers idle) ${middleware.toFixed(1)}`,
  )
}
