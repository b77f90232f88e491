import { expect, it } from 'vitest'
import type { OutgoingOperation, SyncAdapter } from '../../src'
import { ownEntityAdapter } from '../../src/adapters/ownEntityAdapter'

const op = (id: string, entity: string) => ({ id, entity, recordId: id, kind: 'create', data: { id }, baseVersion: null }) as unknown as OutgoingOperation
const options = { signal: new AbortController().signal }

it("sends its own entity's operations itself and the others through the app's adapter, in the batch's order", async () => {
  const app: SyncAdapter = { push: async (ops) => ops.map((o) => ({ type: 'ok', record: { id: o.id, by: 'app' } })) }
  const adapter = ownEntityAdapter('queue', async (ops) => ops.map((o) => ({ type: 'ok', record: { id: o.id, by: 'own' } })), app, 'pass one')
  const outcomes = await adapter.push([op('a', 'todos'), op('q1', 'queue'), op('b', 'todos'), op('q2', 'queue')], options)
  expect(outcomes.map((outcome) => (outcome.type === 'ok' ? outcome.record?.by : outcome.type))).toEqual(['app', 'own', 'app', 'own'])
})

it("refuses another entity's operations without an app adapter, saying what to pass, and retries them when it throws", async () => {
  const own = async (ops: OutgoingOperation[]) => ops.map(() => ({ type: 'ok' as const }))
  const alone = await ownEntityAdapter('queue', own, undefined, 'pass your adapter to x.adapter(adapter).').push([op('a', 'todos')], options)
  expect(alone).toEqual([{ type: 'reject', error: expect.objectContaining({ code: 'setup', message: 'no adapter for entity "todos": pass your adapter to x.adapter(adapter).' }) }])
  const throwing: SyncAdapter = {
    push: async () => {
      throw new TypeError('boom')
    },
  }
  const thrown = await ownEntityAdapter('queue', own, throwing, 'x').push([op('a', 'todos'), op('q', 'queue')], options)
  expect(thrown).toEqual([{ type: 'retry', error: { name: 'TypeError', message: 'boom', code: 'adapter-failed' } }, { type: 'ok' }])
})
