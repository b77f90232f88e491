import type { SyncEvent } from 'rtk-offline'
import { clockTime, describeOp } from './describeOp'

/** "1 op", "2 ops". */
const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`

/** One event in one line, for the timeline: "confirmed update todos a in 250 ms". */
export function describeEvent(event: SyncEvent): string {
  switch (event.type) {
    case 'drainStarted':
      return 'sending started'
    case 'drainFinished':
      return `sending finished: ${count(event.ops, 'op')} in ${count(event.requests, 'request')}, ${event.durationMs} ms`
    case 'opSent':
      return `sent ${describeOp(event.op)} (attempt ${event.op.attempts}${event.probe ? ', probe' : ''})`
    case 'opConfirmed':
      return `confirmed ${describeOp(event.op)} in ${event.timeToConfirmMs} ms`
    case 'opRetried':
      return `retry ${describeOp(event.op)} at ${clockTime(event.nextAttemptAt)}: ${event.error.message}`
    case 'opFailed':
      return `failed ${describeOp(event.op)}: ${event.error.message}`
    case 'opConflicted':
      return `conflict on ${describeOp(event.op)} (${event.resolution}${event.fields.length > 0 ? `: ${event.fields.join(', ')}` : ''})`
    case 'requestFinished':
      return `request answered (${event.outcome}): ${count(event.ops, 'op')} in ${event.durationMs} ms`
    case 'pullPageApplied':
      return `pulled ${count(event.records, 'record')} of ${event.entity}${event.hasMore ? ', more to come' : ''}`
    case 'breakerOpened':
      return `circuit opened after ${count(event.failures, 'failure')}${event.openUntil === null ? '' : `, until ${clockTime(event.openUntil)}`}`
    case 'breakerClosed':
      return 'circuit closed'
    case 'storageProblem':
      return `storage problem: ${event.problem ? `${event.problem.key}: ${event.problem.reason}` : (event.error?.message ?? 'unknown')}`
  }
}
