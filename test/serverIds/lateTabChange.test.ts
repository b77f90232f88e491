import { configureStore } from '@reduxjs/toolkit'
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { createManualNetworkStatus, createOfflineSync, createSyncedEntity, serverAssignedIds } from '../../src'
import { advance } from '../support/driver'
import { createScriptedAdapter, ok } from '../support/scriptedAdapter'

// Chaos seed 18774 (two tabs, server ids, lost=1): a tab that does not send edited a record it had created,
// under its temporary id, before it heard of the create's answer. The sending tab had moved the record to
// its server id already, so the edit arrived there for an id that no longer existed: answered as a change
// made on a record the server does not have, it was dropped, never sent. Another tab's change is put on the
// server id as this tab's own would be (src/serverIds/translateIds.ts).

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 })
})
afterEach(() => {
  vi.useRealTimers()
})

interface Todo {
  id: string
  title: string
  version?: number
}

function setup() {
  const scripted = createScriptedAdapter()
  const todos = createSyncedEntity<Todo>({ name: 'todos', serverIds: serverAssignedIds(), pull: false })
  let n = 0
  const sync = createOfflineSync({
    entities: [todos],
    adapter: scripted.adapter,
    network: createManualNetworkStatus(true),
    now: () => Date.now(),
    random: () => 0.5,
    generateId: () => `op-${++n}`,
    pullIntervalMs: 0,
  })
  const store = configureStore({
    reducer: { todos: todos.reducer, [sync.reducerPath]: sync.reducer },
    middleware: (getDefault) => getDefault().concat(sync.middleware),
  })
  return { store, todos, sync, scripted, view: () => todos.selectors.selectAll(store.getState()) }
}

/** Another tab's edit of `id`, as that tab stamped it and posted it. */
function otherTabsEdit(id: string, title: string) {
  const change = { kind: 'update' as const, data: { title } }
  return {
    type: 'todos/updated',
    payload: { id, changes: { title } },
    meta: {
      offlineEntity: 'todos',
      remoteTab: 'tab-b',
      offline: { entity: 'todos', at: Date.now(), userId: null, stamps: [{ recordId: id, change, queued: change, coalesced: false, seq: 3073, id: 'tab-b-op1', baseVersion: null }] },
    },
  }
}

it("another tab's edit under a temporary id the server has replaced since goes to the record under its server id, and is sent", async () => {
  const t = setup()
  t.store.dispatch(t.todos.actions.added({ id: 'tmp-1', title: 'A' }))
  await advance()
  t.scripted.answer(() => ok({ id: 's1', title: 'A', version: 1 }))
  await advance()
  expect(t.view()).toEqual([{ id: 's1', title: 'A', version: 1 }])

  t.store.dispatch(otherTabsEdit('tmp-1', 'B'))
  await advance()
  expect(t.view()).toEqual([{ id: 's1', title: 'B', version: 1 }])
  expect(t.sync.selectors.selectOps(t.store.getState()).map((op) => [op.id, op.recordId, op.status])).toEqual([['tab-b-op1', 's1', 'inflight']])
  expect(t.scripted.calls.at(-1)?.operations.map((op) => [op.id, op.recordId, op.kind, op.data, op.baseVersion])).toEqual([['tab-b-op1', 's1', 'update', { title: 'B' }, 1]])
  t.scripted.answer(() => ok({ id: 's1', title: 'B', version: 2 }))
  await advance()
  expect(t.view()).toEqual([{ id: 's1', title: 'B', version: 2 }])
  expect(t.sync.selectors.selectPendingCount(t.store.getState())).toBe(0)
})
