import type { SyncErrorInfo } from '../core/errors'
import type { OutgoingOperation, PushOptions, SyncAdapter, SyncOutcome } from './types'

/**
 * The adapter of a layer that keeps foreign work as records of one entity of its own (rtk-offline/redux-offline's
 * queued effects, rtk-offline/query's queued mutations): that entity's operations go through `send`, every
 * other operation of the batch through the app's adapter, at the same time, and the outcomes come back in
 * the batch's order. The app's pull and live pokes are its adapter's.
 *
 * Without an app adapter, another entity's operations are refused with a setup error saying to pass one
 * (`setupHint`). A throw of the app's adapter is caught here rather than by the engine, which would send the
 * whole batch again and run this entity's work a second time: those operations are tried again instead.
 */
export function ownEntityAdapter(
  entity: string,
  send: (operations: OutgoingOperation[], options: PushOptions) => Promise<SyncOutcome[]>,
  app: SyncAdapter | undefined,
  setupHint: string,
): SyncAdapter {
  return {
    async push(operations, options) {
      const mine: number[] = []
      const theirs: number[] = []
      operations.forEach((op, index) => (op.entity === entity ? mine : theirs).push(index))
      const outcomes = new Array<SyncOutcome>(operations.length)
      const others = async (): Promise<SyncOutcome[]> => {
        if (theirs.length === 0) return []
        const batch = theirs.map((index) => operations[index]!)
        if (!app) {
          const error: SyncErrorInfo = { name: 'SyncSetupError', message: `no adapter for entity "${batch[0]!.entity}": ${setupHint}`, code: 'setup' }
          return batch.map(() => ({ type: 'reject', error }))
        }
        try {
          return await app.push(batch, options)
        } catch (error) {
          // Name and message only: core/errors' toErrorInfo would bring that module into both entries'
          // bundles (they take it from the package), for a code this line sets anyway.
          const info: SyncErrorInfo =
            error instanceof Error
              ? { name: error.name, message: error.message, code: 'adapter-failed' }
              : { name: 'Error', message: String(error), code: 'adapter-failed' }
          return batch.map(() => ({ type: 'retry', error: info }))
        }
      }
      const [ours, them] = await Promise.all([send(mine.map((index) => operations[index]!), options), others()])
      mine.forEach((index, at) => (outcomes[index] = ours[at]!))
      theirs.forEach((index, at) => (outcomes[index] = them[at]!))
      return outcomes
    },
    ...(app?.pull ? { pull: app.pull.bind(app) } : {}),
    ...(app?.subscribe ? { subscribe: app.subscribe.bind(app) } : {}),
  }
}
