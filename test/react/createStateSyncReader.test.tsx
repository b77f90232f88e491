// @vitest-environment jsdom
import { describe, expect, it } from 'vitest'
import type { EntityId } from 'rtk-offline'
import { createStateSyncReader } from '../../src/react/createStateSyncReader'
import { ok, reject, retry } from '../support/scriptedAdapter'
import { settle } from '../support/testStore'
import { createSyncStore, todo } from './renderWithSync'

/*
 * Without an OfflineSyncProvider the hooks read through selectors built from the sync slice alone. They
 * must answer exactly as the instance's own selectors do, at every step of a busy history.
 */
describe('the selectors the hooks build from the state', () => {
  it('agree with the sync instance’s selectors through creates, retries, failures, conflicts and pauses', async () => {
    const { store, todos, sync, network, scripted } = createSyncStore({
      online: false,
      batchSize: 2,
      circuitBreaker: { failureThreshold: 2, cooldownMs: 60_000 },
    })
    const reader = createStateSyncReader(sync.reducerPath)
    const ids: EntityId[] = ['a', 'b', 'c', 'd', 'e', 'missing']
    const checks: string[] = []
    const agree = (label: string) => {
      const state = store.getState()
      expect(reader.selectStatus(state), label).toEqual(sync.selectors.selectStatus(state))
      expect(reader.selectFailed(state), label).toEqual(sync.selectors.selectFailed(state))
      expect(reader.selectConflicts(state), label).toEqual(sync.selectors.selectConflicts(state))
      expect(reader.selectPendingCount(state), label).toBe(sync.selectors.selectPendingCount(state))
      expect(reader.selectPendingCount(state, 'todos'), label).toBe(sync.selectors.selectPendingCount(state, 'todos'))
      for (const id of ids)
        expect(reader.selectIsPending(state, 'todos', id), `${label}: ${String(id)}`).toBe(
          sync.selectors.selectIsPending(state, 'todos', id),
        )
      // Memoised: the same objects for the same state.
      expect(reader.selectStatus(state)).toBe(reader.selectStatus(state))
      expect(reader.selectFailed(state)).toBe(reader.selectFailed(state))
      checks.push(`${label}: ${sync.selectors.selectStatus(state).phase}`)
    }

    agree('empty')
    store.dispatch(todos.actions.addedMany([todo('a'), todo('b'), todo('c'), todo('d')]))
    store.dispatch(todos.actions.removed('d'))
    agree('offline, coalesced')
    network.setOnline(true)
    await settle()
    agree('in flight')
    scripted.answer((op) => (op.recordId === 'a' ? reject() : retry(5000)))
    await settle()
    agree('one failed, one waiting')
    scripted.answer((op) => (op.recordId === 'c' ? { type: 'conflict', remote: { id: 'c', title: 'theirs', done: true } } : ok()))
    await settle()
    agree('a conflict')
    store.dispatch(sync.actions.pause())
    store.dispatch(todos.actions.added(todo('e')))
    agree('paused')
    store.dispatch(sync.actions.resume())
    store.dispatch(sync.actions.retryFailed())
    await settle()
    agree('retried')
    scripted.autoRespond(() => retry())
    while (scripted.waitingCount() > 0) scripted.answer(() => retry())
    store.dispatch(sync.actions.syncNow())
    await settle()
    agree('circuit')
    scripted.autoRespond(() => ok())
    store.dispatch(sync.actions.syncNow())
    await settle(30)
    store.dispatch(sync.actions.syncNow())
    await settle(30)
    agree('all saved')
    expect(sync.selectors.selectStatus(store.getState()).pending).toBe(0)
    sync.stop()
    expect(checks).toEqual([
      'empty: offline',
      'offline, coalesced: offline',
      'in flight: syncing',
      'one failed, one waiting: syncing',
      'a conflict: backoff',
      'paused: paused',
      'retried: syncing',
      'circuit: circuit-open',
      'all saved: idle',
    ])
  })
})
