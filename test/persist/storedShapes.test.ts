import { afterEach, describe, expect, it } from 'vitest'
import { recordBucket } from '../../src/persist/storedShapes'
import { createScriptedAdapter } from '../support/scriptedAdapter'
import { loadPage } from '../support/persistedStore'
import { recordingStorage } from '../support/recordingStorage'

const pages: Array<ReturnType<typeof loadPage>> = []
afterEach(() => {
  for (const page of pages.splice(0)) page.sync.stop()
})
async function boot(initial: Record<string, string>) {
  const recorded = recordingStorage(initial)
  const page = loadPage(recorded.storage, createScriptedAdapter().adapter)
  pages.push(page)
  await page.persistor.ready
  const problems = () => page.sync.selectors.selectStorage(page.store.getState()).problems
  return { ...recorded, page, problems }
}

const goodOp = {
  id: 'o1',
  seq: 1,
  entity: 'todos',
  recordId: 'a',
  kind: 'create',
  data: { id: 'a', title: 'Milk', done: false },
  baseVersion: null,
  enqueuedAt: 1000,
  attempts: 0,
  nextAttemptAt: null,
  status: 'pending',
  lastError: null,
  priority: 0,
  userId: null,
}
const goodConflict = {
  id: 'o0',
  seq: 0,
  entity: 'todos',
  recordId: 'z',
  kind: 'update',
  base: { id: 'z', title: 'x', version: 1 },
  local: { id: 'z', title: 'y', version: 1 },
  remote: { id: 'z', title: 'w', version: 2 },
  fields: ['title'],
  resolution: 'server-wins',
  status: 'resolved',
  choice: null,
  detectedAt: 5,
}
const meta = (extra: Record<string, unknown> = {}) => JSON.stringify({ v: 1, nextSeq: 2, conflicts: [], cursors: {}, ...extra })

describe('stored metadata', () => {
  it('drops a null conflict entry, keeps the good ones, says so, and the status selector works', async () => {
    const raw = meta({ conflicts: [null, goodConflict] })
    const { page, problems, snapshot } = await boot({ 'rtk-offline/meta': raw })
    expect(() => page.status()).not.toThrow()
    expect(page.sync.selectors.selectConflicts(page.store.getState())).toEqual([goodConflict])
    expect(problems()).toHaveLength(1)
    expect(problems()[0]).toMatchObject({ key: 'rtk-offline/meta', reason: expect.stringContaining('conflict') })
    expect((await snapshot()).get(problems()[0]!.quarantineKey!)).toBe(raw)
  })

  it.each([
    ['a conflict without an id', { ...goodConflict, id: 7 }],
    ['a conflict with fields that are not strings', { ...goodConflict, fields: [1] }],
    ['a conflict with an unknown status', { ...goodConflict, status: 'maybe' }],
    ['a conflict whose remote is a string', { ...goodConflict, remote: 'gone' }],
  ])('drops %s', async (_, bad) => {
    const { page, problems } = await boot({ 'rtk-offline/meta': meta({ conflicts: [bad] }) })
    expect(() => page.status()).not.toThrow()
    expect(page.sync.selectors.selectConflicts(page.store.getState())).toEqual([])
    expect(problems()).toHaveLength(1)
  })

  it('drops a cursor that is not a string', async () => {
    const { page, problems } = await boot({ 'rtk-offline/meta': meta({ cursors: { todos: 5 } }) })
    expect(page.sync.selectors.selectSyncState(page.store.getState()).pull.todos?.cursor ?? null).toBeNull()
    expect(problems()).toHaveLength(1)
  })

  it.each([
    ['a seq counter that is not a number', meta({ nextSeq: 'x' })],
    ['conflicts that are not a list', meta({ conflicts: {} })],
    ['a version that is not an integer', meta({ v: 'one' })],
  ])('moves aside metadata with %s', async (_, raw) => {
    const { problems, snapshot } = await boot({ 'rtk-offline/meta': raw })
    expect(problems()).toHaveLength(1)
    expect((await snapshot()).get(problems()[0]!.quarantineKey!)).toBe(raw)
  })
})

describe('stored operations', () => {
  it('moves aside an operation without its userId and reports it, instead of keeping it pending forever', async () => {
    const { userId: _, ...withoutUser } = goodOp
    const raw = JSON.stringify(withoutUser)
    const { page, problems, snapshot } = await boot({ 'rtk-offline/op/o1': raw })
    expect(page.ops()).toEqual([])
    expect(page.status().pending).toBe(0)
    expect(problems()).toEqual([expect.objectContaining({ key: 'rtk-offline/op/o1', preview: raw.slice(0, 200) })])
    const stored = await snapshot()
    expect(stored.has('rtk-offline/op/o1')).toBe(false)
    expect(stored.get(problems()[0]!.quarantineKey!)).toBe(raw)
  })

  it('keeps a well-formed operation', async () => {
    const { page, problems } = await boot({ 'rtk-offline/op/o1': JSON.stringify(goodOp) })
    expect(problems()).toEqual([])
    expect(page.ops()).toEqual([goodOp])
  })

  it.each([
    ['id', 5],
    ['id', ''],
    ['seq', '1'],
    ['seq', 1.5],
    ['seq', -1],
    ['entity', null],
    ['recordId', { id: 'a' }],
    ['recordId', null],
    ['kind', 'upsert'],
    ['data', 'Milk'],
    ['data', null],
    ['baseVersion', { v: 1 }],
    ['enqueuedAt', '1000'],
    ['attempts', -1],
    ['attempts', '0'],
    ['nextAttemptAt', 'soon'],
    ['status', 'sent'],
    ['lastError', 'boom'],
    ['lastError', { message: 'no name or code' }],
    ['priority', 'high'],
    ['userId', 42],
  ])('moves aside an operation whose %s is %j', async (field, value) => {
    const raw = JSON.stringify({ ...goodOp, [field]: value })
    const { page, problems } = await boot({ 'rtk-offline/op/o1': raw })
    expect(page.ops()).toEqual([])
    expect(problems()).toEqual([expect.objectContaining({ key: 'rtk-offline/op/o1', preview: raw.slice(0, 200) })])
  })

  it('moves aside an operation stored under another id than its own', async () => {
    const { page, problems } = await boot({ 'rtk-offline/op/other': JSON.stringify(goodOp) })
    expect(page.ops()).toEqual([])
    expect(problems()).toHaveLength(1)
  })
})

describe('stored records', () => {
  const bucketKey = (id: string) => `rtk-offline/rec/todos/${recordBucket(id)}`
  it.each([
    ['a record whose id is another', { id: 'a', o: 0, view: { id: 'b', title: 'x' } }],
    ['a record that is a string', { id: 'a', o: 0, view: 'x' }],
    ['a base that is a list', { id: 'a', o: 0, view: { id: 'a' }, base: [1] }],
    ['a base of another record', { id: 'a', o: 0, view: { id: 'a' }, base: { id: 'b' } }],
    ['a madeOn without a base', { id: 'a', o: 0, view: { id: 'a' }, madeOn: { id: 'a' } }],
    ['no order', { id: 'a', view: { id: 'a' } }],
    ['an id of the wrong type', { id: true, o: 0, view: { id: 'a' } }],
    ['null', null],
  ])('drops %s, reports it, and stores the bucket again without it', async (_, value) => {
    const raw = JSON.stringify([value])
    const { page, problems, snapshot } = await boot({ [bucketKey('a')]: raw })
    expect(page.view()).toEqual([])
    expect(problems()).toEqual([expect.objectContaining({ key: bucketKey('a'), preview: raw })])
    await page.sync.flush()
    const stored = await snapshot()
    expect(stored.get(problems()[0]!.quarantineKey!)).toBe(raw)
    expect(stored.has(bucketKey('a'))).toBe(false)
  })

  it('keeps the good records of a bucket and drops one stored in the wrong bucket', async () => {
    const other = ['b', 'c', 'd', 'e', 'f', 'g', 'h'].find((id) => recordBucket(id) !== recordBucket('a'))!
    const raw = JSON.stringify([
      { id: 'a', o: 0, view: { id: 'a', title: 'kept' } },
      { id: other, o: 1, view: { id: other, title: 'misplaced' } },
    ])
    const { page, problems } = await boot({ [bucketKey('a')]: raw })
    expect(page.view()).toEqual([{ id: 'a', title: 'kept' }])
    expect(problems()).toHaveLength(1)
  })

  it('moves aside a bucket that is not a list', async () => {
    const raw = JSON.stringify({ id: 'a', o: 0, view: { id: 'a' } })
    const { page, problems, snapshot } = await boot({ [bucketKey('a')]: raw })
    expect(page.view()).toEqual([])
    expect(problems()).toEqual([expect.objectContaining({ key: bucketKey('a') })])
    expect((await snapshot()).get(problems()[0]!.quarantineKey!)).toBe(raw)
  })

  it('drops the bad entries of an old single-blob slice and keeps the good ones', async () => {
    const blob = JSON.stringify({
      records: [{ id: 'a', title: 'ok' }, 'junk', null],
      bases: [['a', { id: 'a', title: 'old' }], ['b', 'junk'], null, [{}, null]],
    })
    const { page, problems } = await boot({ 'rtk-offline/entity/todos': blob })
    // `a` has a stored base and no operation: it shows its confirmed state.
    expect(page.view()).toEqual([{ id: 'a', title: 'old' }])
    expect(problems()).toHaveLength(1)
    expect(problems()[0]).toMatchObject({ key: 'rtk-offline/entity/todos' })
  })
})
