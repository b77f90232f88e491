import { createPlainRtkStore } from '../contestants/plainRtkStore'
import { createReduxOfflineStore } from '../contestants/reduxOfflineStore'
import { createInProcessAdapter, createRtkOfflineStore } from '../contestants/rtkOfflineStore'
import { runAlternating, type Contestant } from '../lib/alternate'
import type { CheckMode } from '../lib/checks'
import type { RtkOffline } from '../lib/loadRtkOffline'
import { makeRecords, updateAt } from '../lib/records'
import { median } from '../lib/stats'
import { collectGarbage, nextMacrotask } from '../lib/tick'

/**
 * Workload 1, dispatch cost. Each contestant gets one store holding `records` confirmed records and, for
 * the synced ones, `pending` operations already waiting (records of a second entity created offline; the
 * plain store holds the same records without operations). Offline throughout, so nothing is sent. Then
 * optimistic updates round-robin over the records: `warmupUpdates` not counted, then `rounds` rounds of
 * `roundUpdates`, the contestants taking turns round by round, each continuing on its own store.
 *
 * A round is timed from its first dispatch until the event loop has run what the dispatches scheduled
 * (listener effects, promise callbacks): it yields one macrotask every `chunk` dispatches, as an app's
 * event handlers would between them.
 */
export interface DispatchOptions {
  mode: CheckMode
  records: number
  pending: number
  warmupUpdates: number
  roundUpdates: number
  rounds: number
  chunk: number
  /** Leave redux-offline out (its setup alone would take too long), with the reason for the report. */
  skipReduxOffline?: string
}

export type DispatchContestant = 'plain RTK' | 'rtk-offline' | 'redux-offline'

export interface DispatchResult {
  options: DispatchOptions
  /** Median microseconds per dispatch over the rounds, by contestant (absent when skipped). */
  medianUs: Partial<Record<DispatchContestant, number>>
  samplesUs: Partial<Record<DispatchContestant, number[]>>
  /** Operations waiting when the last round ended. */
  outboxAfter: Partial<Record<DispatchContestant, number>>
}

interface Target {
  update(id: string, changes: { title: string; n: number }): unknown
  record(id: string): { n: number } | undefined
  pending(): number
}

/** Runs updates `from` up to `to` of the workload and returns microseconds per dispatch. */
async function timeUpdates(target: Target, options: DispatchOptions, from: number, to: number): Promise<number> {
  const start = performance.now()
  for (let index = from; index < to; index++) {
    const { id, changes } = updateAt('r', options.records, index)
    target.update(id, changes)
    if ((index + 1 - from) % options.chunk === 0) await nextMacrotask()
  }
  await nextMacrotask()
  return ((performance.now() - start) / (to - from)) * 1000
}

/** Every record must show its last change: the optimistic view is what the dispatches were for. */
function checkView(name: string, target: Target, options: DispatchOptions, count: number): void {
  for (let record = 0; record < Math.min(options.records, count); record++) {
    const last = record + Math.floor((count - 1 - record) / options.records) * options.records
    const seen = target.record(`r${record}`)?.n
    if (seen !== last) throw new Error(`dispatch: ${name} shows n=${String(seen)} for record r${record}, expected ${last}`)
  }
}

export async function runDispatch(lib: RtkOffline, options: DispatchOptions, log: (message: string) => void): Promise<DispatchResult> {
  const todos = makeRecords('r', options.records)
  const notes = makeRecords('n', options.pending)
  const cleanups: (() => void)[] = []

  const plain = createPlainRtkStore({ mode: options.mode, todos, notes })
  const plainTarget: Target = { ...plain, pending: () => 0 }

  const rtk = createRtkOfflineStore({ lib, mode: options.mode, adapter: createInProcessAdapter(), todos, online: false })
  cleanups.push(() => rtk.stop())
  if (notes.length > 0) rtk.addNotes(notes)

  const targets = new Map<DispatchContestant, Target>([
    ['plain RTK', plainTarget],
    ['rtk-offline', rtk],
  ])
  if (options.skipReduxOffline === undefined) {
    const redux = createReduxOfflineStore({ mode: options.mode, baseUrl: 'http://127.0.0.1:9', todos })
    for (const note of notes) redux.addNote(note)
    targets.set('redux-offline', redux)
  }
  await nextMacrotask()
  for (const [name, target] of targets)
    if (name !== 'plain RTK' && target.pending() !== options.pending)
      throw new Error(`dispatch: ${name} has ${target.pending()} operations pending before the run, expected ${options.pending}`)

  const done = new Map<DispatchContestant, number>()
  const contestants: Contestant<number>[] = [...targets].map(([name, target]) => ({
    name,
    run: async ({ warmup }) => {
      const from = done.get(name) ?? 0
      const to = from + (warmup ? options.warmupUpdates : options.roundUpdates)
      const us = await timeUpdates(target, options, from, to)
      done.set(name, to)
      return us
    },
  }))
  const samples = await runAlternating(contestants, {
    warmups: options.warmupUpdates > 0 ? 1 : 0,
    rounds: options.rounds,
    beforeEach: collectGarbage,
    onProgress: (message) => log(`dispatch (${options.mode}, ${options.pending} pending) ${message}`),
  })

  const result: DispatchResult = { options, medianUs: {}, samplesUs: {}, outboxAfter: {} }
  for (const [name, target] of targets) {
    checkView(name, target, options, done.get(name) ?? 0)
    result.samplesUs[name] = samples.get(name)!
    result.medianUs[name] = median(samples.get(name)!)
    result.outboxAfter[name] = target.pending()
  }
  if (rtk.errors.length > 0) throw new Error(`dispatch: rtk-offline reported an error: ${String(rtk.errors[0])}`)
  for (const cleanup of cleanups) cleanup()
  return result
}
