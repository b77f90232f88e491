import { configureStore } from '@reduxjs/toolkit'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createManualNetworkStatus, createOfflineSync, createRestAdapter, createSyncedEntity, serverAssignedIds } from '../../src'
import { createMockBackend } from '../../src/msw'
import { useMswServer } from '../support/mswServer'
import { baseUrl } from './support'

interface Node {
  id: string
  name: string
  parentId?: string
  version?: number
}

const backend = createMockBackend({ baseUrl, assignIds: true, now: () => 1 })
useMswServer(...backend.handlers)
const stops: Array<() => void> = []
afterEach(() => {
  for (const stop of stops.splice(0)) stop()
  backend.reset()
})

/** Nodes whose `parentId` names another node: an entity that refers to itself. */
function open() {
  const nodes = createSyncedEntity<Node>({ name: 'nodes', serverIds: serverAssignedIds(), references: { parentId: 'nodes' }, pull: false })
  const network = createManualNetworkStatus(false)
  const sync = createOfflineSync({ entities: [nodes], adapter: createRestAdapter({ baseUrl }), network, retry: { baseDelayMs: 10 }, pullIntervalMs: 0 })
  const store = configureStore({
    reducer: { nodes: nodes.reducer, [sync.reducerPath]: sync.reducer },
    middleware: (getDefault) => getDefault().concat(sync.middleware),
  })
  stops.push(() => sync.stop())
  return { nodes, network, store, pending: () => sync.selectors.selectStatus(store.getState()).pending }
}

describe('server-assigned ids: references within one entity', () => {
  it('a child created under a parent made offline waits for it and goes with its server id', async () => {
    const { nodes, network, store, pending } = open()
    store.dispatch(nodes.actions.added({ id: 'tmp-root', name: 'Root' }))
    store.dispatch(nodes.actions.added({ id: 'tmp-child', name: 'Child', parentId: 'tmp-root' }))
    network.setOnline(true)
    await vi.waitFor(() => expect(pending()).toBe(0))
    expect(backend.records('nodes').map(({ id, parentId }) => [id, parentId])).toEqual([
      ['1', undefined],
      ['2', '1'],
    ])
    expect(nodes.selectors.selectAll(store.getState())).toEqual(backend.records('nodes'))
  })

  // Found by chaos seeds 85 and 279: an update pointing a record at itself, merged into its create, made a
  // create that waited for itself, and nothing of that record was ever sent.
  it('a create that refers to its own record, or a cycle of creates, is sent with the temporary id rather than wait for ever', async () => {
    const { nodes, network, store, pending } = open()
    store.dispatch(nodes.actions.added({ id: 'tmp-self', name: 'Self' }))
    store.dispatch(nodes.actions.updated({ id: 'tmp-self', changes: { parentId: 'tmp-self' } }))
    store.dispatch(nodes.actions.added({ id: 'tmp-a', name: 'A' }))
    store.dispatch(nodes.actions.added({ id: 'tmp-b', name: 'B', parentId: 'tmp-a' }))
    store.dispatch(nodes.actions.updated({ id: 'tmp-a', changes: { parentId: 'tmp-b' } }))
    network.setOnline(true)
    await vi.waitFor(() => expect(pending()).toBe(0))
    expect(backend.records('nodes')).toHaveLength(3)
    // The self-reference and one side of the cycle keep the temporary id; the other waits and gets the server id.
    expect(backend.records('nodes').map(({ name, parentId }) => [name, parentId])).toEqual([
      ['Self', 'tmp-self'],
      ['A', 'tmp-b'],
      ['B', '2'],
    ])
  })
})
