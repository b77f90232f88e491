import { describe, expect, it, vi } from 'vitest'
import { recordBucket } from '../../src/persist/storedShapes'
import { pageOpener } from '../support/persistedStore'
import { recordingStorage } from '../support/recordingStorage'
import { createScriptedAdapter } from '../support/scriptedAdapter'

const todo = (id: string, title = `Todo ${id}`) => ({ id, title, done: false })
const open = pageOpener()

/** 2,000 records, all confirmed by the backend and stored; the page offline again. */
async function confirmedRecords(count: number) {
  const recorded = recordingStorage()
  const scripted = createScriptedAdapter()
  scripted.autoRespond((op) => ({ type: 'ok', record: { ...op.data, version: 1 } }))
  const page = open(recorded.storage, scripted.adapter, { online: true, batchSize: 500 })
  await page.persistor.ready
  page.store.dispatch(page.todos.actions.addedMany(Array.from({ length: count }, (_, i) => todo(`t${i}`))))
  await vi.waitFor(() => expect(page.status().pending).toBe(0), { timeout: 20_000 })
  await page.sync.flush()
  page.network.setOnline(false)
  return { ...recorded, page, scripted }
}

describe('storage cost of a change', () => {
  it('a small change to one of 2,000 records writes bytes in proportion to the change, not to the view', async () => {
    const { page, log, bytesSince } = await confirmedRecords(2000)
    const mark = log.length
    page.store.dispatch(page.todos.actions.updated({ id: 't1234', changes: { title: 'milk' } }))
    await page.sync.flush()
    const written = bytesSince(mark)
    // The operation record plus the record's own state: a few hundred characters, where the whole view
    // is over 100,000.
    expect(written).toBeLessThan(2_000)
    expect(log.slice(mark).filter(([kind]) => kind === 'set').length).toBeLessThanOrEqual(3)
  }, 30_000)

  it('a confirmation and a pulled page cost bytes in proportion to the records they touch', async () => {
    const { page, log, bytesSince, scripted } = await confirmedRecords(2000)
    let mark = log.length
    page.store.dispatch(page.todos.actions.updated({ id: 't7', changes: { title: 'bread' } }))
    page.network.setOnline(true)
    await vi.waitFor(() => expect(page.status().pending).toBe(0))
    await page.sync.flush()
    expect(scripted.calls.at(-1)!.operations).toHaveLength(1)
    expect(bytesSince(mark)).toBeLessThan(3_000)

    const { pulledPage } = await import('../../src/slices/actions')
    mark = log.length
    page.store.dispatch(
      pulledPage({
        entity: 'todos',
        changes: [
          { id: 't8', record: { ...todo('t8', 'remote'), version: 2 } },
          { id: 't9', record: null },
        ],
        cursor: 'c1',
        hasMore: false,
        at: 1,
      }),
    )
    await page.sync.flush()
    expect(bytesSince(mark)).toBeLessThan(1_000)
  }, 30_000)

  it('restores the view in its order, with the changes made since, after a reload', async () => {
    const { page, storage } = await confirmedRecords(300)
    page.store.dispatch(page.todos.actions.updated({ id: 't12', changes: { title: 'changed' } }))
    page.store.dispatch(page.todos.actions.removed('t3'))
    page.store.dispatch(page.todos.actions.added(todo('new')))
    await page.sync.flush()
    // Removed and added again within one write window: it goes to the end of the view, and stays there.
    page.store.dispatch(page.todos.actions.added(todo('again')))
    page.store.dispatch(page.todos.actions.added(todo('last')))
    await page.sync.flush()
    page.store.dispatch(page.todos.actions.removed('again'))
    page.store.dispatch(page.todos.actions.added(todo('again', 'back')))
    await page.sync.flush()
    expect(page.view().slice(-2).map((t) => t.id)).toEqual(['last', 'again'])
    const before = page.view()
    page.sync.stop()

    const second = open(storage, createScriptedAdapter().adapter)
    await second.persistor.ready
    expect(second.view()).toEqual(before)
    expect(second.ops().map((op) => op.kind)).toEqual(['update', 'delete', 'create', 'create', 'create'])
  }, 30_000)

  it('reads the single-blob layout of earlier versions and moves it to the new layout', async () => {
    const legacy = {
      'rtk-offline/meta': JSON.stringify({ v: 1, nextSeq: 3, conflicts: [], cursors: { todos: 'c9' } }),
      'rtk-offline/entity/todos': JSON.stringify({
        records: [
          { ...todo('b'), version: 1 },
          { ...todo('a', 'edited'), version: 1 },
        ],
        bases: [['a', { ...todo('a'), version: 1 }]],
      }),
      'rtk-offline/op/o1': JSON.stringify({
        id: 'o1',
        seq: 1,
        entity: 'todos',
        recordId: 'a',
        kind: 'update',
        data: { title: 'edited' },
        baseVersion: 1,
        enqueuedAt: 0,
        attempts: 0,
        nextAttemptAt: null,
        status: 'pending',
        lastError: null,
        priority: 0,
        userId: null,
      }),
    }
    const { storage, snapshot } = recordingStorage(legacy)
    const first = open(storage, createScriptedAdapter().adapter)
    await first.persistor.ready
    expect(first.view()).toEqual([
      { ...todo('b'), version: 1 },
      { ...todo('a', 'edited'), version: 1 },
    ])
    await first.sync.flush()
    const stored = await snapshot()
    expect(stored.has('rtk-offline/entity/todos')).toBe(false)
    expect([...stored.keys()].filter((key) => key.startsWith('rtk-offline/rec/todos/')).sort()).toEqual(
      [...new Set([`rtk-offline/rec/todos/${recordBucket('a')}`, `rtk-offline/rec/todos/${recordBucket('b')}`])].sort(),
    )
    first.sync.stop()

    const second = open(storage, createScriptedAdapter().adapter)
    await second.persistor.ready
    expect(second.view()).toEqual(first.view())
    expect(second.ops().map((op) => op.id)).toEqual(['o1'])
    expect(second.sync.selectors.selectStorage(second.store.getState()).problems).toEqual([])
  })
})
