import { describe, expect, it, vi } from 'vitest'
import { mergeFields, type ConflictStrategy } from '../../src'
import { crashableStorage, expectNoOrphans, storedOpIds } from '../support/crashableStorage'
import { createIdempotentServer } from '../support/idempotentServer'
import { loadPage } from '../support/persistedStore'

const todo = (id: string, title = `Todo ${id}`) => ({ id, title, done: false })

/** A record the client created and the server confirmed (v1), then changed by someone else (v2). */
async function editedElsewhere(conflict: ConflictStrategy) {
  const disk = crashableStorage()
  const server = createIdempotentServer()
  const page = loadPage(disk.storage, server.adapter, { online: true, conflict })
  await page.persistor.ready
  page.store.dispatch(page.todos.actions.added(todo('a', 'Original')))
  await vi.waitFor(() => expect(page.status().pending).toBe(0))
  server.edit('a', { done: true })
  return { disk, server, page }
}

describe('Durability invariant 6: a replaced operation leaves storage once what replaces it is stored', () => {
  it('after a reload, an automatically merged change the server confirmed is not sent or applied again', async () => {
    const { disk, server, page } = await editedElsewhere(mergeFields())
    page.store.dispatch(page.todos.actions.updated({ id: 'a', changes: { title: 'Mine' } }))
    await vi.waitFor(() => expect(server.applied).toHaveLength(2))
    await vi.waitFor(() => expect(page.status().pending).toBe(0))
    expect(server.records.get('a')).toMatchObject({ title: 'Mine', done: true, version: 3 })
    await expectNoOrphans(page, disk.storage)
    page.sync.stop()

    const received = server.received.length
    const again = loadPage(disk.inner, server.adapter, { online: true, conflict: mergeFields() })
    await again.persistor.ready
    expect(again.ops()).toEqual([])
    again.store.dispatch(again.sync.actions.syncNow())
    await again.sync.flush()
    expect(server.received).toHaveLength(received)
    expect(server.applied).toHaveLength(2)
    again.sync.stop()
  })

  it('after a reload, a manual resolution leaves no parked operation, the record is not pending, and new edits go out', async () => {
    const { disk, server, page } = await editedElsewhere('manual')
    page.store.dispatch(page.todos.actions.updated({ id: 'a', changes: { title: 'Mine' } }))
    await vi.waitFor(() => expect(page.sync.selectors.selectOpenConflicts(page.store.getState())).toHaveLength(1))
    const [conflict] = page.sync.selectors.selectOpenConflicts(page.store.getState())
    page.store.dispatch(page.sync.actions.resolveConflict({ id: conflict!.id, choose: 'local' }))
    await vi.waitFor(() => expect(page.status().pending).toBe(0))
    expect(server.records.get('a')).toMatchObject({ title: 'Mine', version: 3 })
    await expectNoOrphans(page, disk.storage)
    page.sync.stop()

    const again = loadPage(disk.inner, server.adapter, { online: true, conflict: 'manual' })
    await again.persistor.ready
    expect(again.ops()).toEqual([])
    expect(again.status()).toMatchObject({ pending: 0, conflicts: 0 })
    expect(again.sync.selectors.selectIsPending(again.store.getState(), 'todos', 'a')).toBe(false)
    again.store.dispatch(again.todos.actions.updated({ id: 'a', changes: { title: 'Later' } }))
    await vi.waitFor(() => expect(again.status().pending).toBe(0))
    expect(server.records.get('a')).toMatchObject({ title: 'Later', version: 4 })
    await expectNoOrphans(again, disk.inner)
    again.sync.stop()
  })

  it('a crash between storing a re-sent change and deleting the one it replaces does not bring both back', async () => {
    const { disk, server, page } = await editedElsewhere('client-wins')
    server.hold()
    page.store.dispatch(page.todos.actions.updated({ id: 'a', changes: { title: 'Mine' } }))
    const replaced = page.ops()[0]!.id
    // Dies as the replaced record is deleted: the one replacing it is stored, the old one still there.
    disk.crashWhen((key, value) => key.endsWith(`/op/${replaced}`) && value === null)
    await vi.waitFor(() => expect(server.waiting()).toBe(1))
    // The conflict's answer comes; the change goes again under a new id, applied by the server, its answer held.
    server.release()
    server.hold()
    await vi.waitFor(() => expect(server.waiting()).toBe(1))
    const replacement = page.ops()[0]!.id
    expect(replacement).not.toBe(replaced)
    await page.sync.flush()
    page.sync.stop()
    expect(await storedOpIds(disk.inner)).toContain(replaced)

    server.release()
    const again = loadPage(disk.inner, server.adapter, { online: true, conflict: 'client-wins' })
    await again.persistor.ready
    expect(again.ops().map((op) => op.id)).toEqual([replacement])
    await vi.waitFor(() => expect(again.status().pending).toBe(0))
    // The replaced change went once (its conflict answer came back); the replacement twice (the second a replay).
    expect(server.received.map((op) => op.id).filter((id) => id === replaced)).toHaveLength(1)
    expect(server.applied.map((change) => change.key)).toEqual([expect.any(String), replacement])
    expect(server.records.get('a')).toMatchObject({ title: 'Mine' })
    await expectNoOrphans(again, disk.inner)
    again.sync.stop()
  })

  it('a failed change queued again by retryFailed leaves one record, even after a crash between the two writes', async () => {
    const disk = crashableStorage()
    const server = createIdempotentServer()
    const page = loadPage(disk.storage, server.adapter, { online: true })
    await page.persistor.ready
    server.answerNext({ type: 'reject', error: { name: 'SyncHttpError', message: 'nope', code: 'http-error', status: 422 } })
    page.store.dispatch(page.todos.actions.added(todo('a')))
    await vi.waitFor(() => expect(page.status().failed).toBe(1))
    const failed = page.ops()[0]!.id
    page.store.dispatch(page.sync.actions.pause())
    await expectNoOrphans(page, disk.storage)
    disk.crashWhen((key, value) => key.endsWith(`/op/${failed}`) && value === null)
    page.store.dispatch(page.sync.actions.retryFailed())
    const revived = page.ops()[0]!.id
    expect(revived).not.toBe(failed)
    await page.sync.flush()
    page.sync.stop()

    const again = loadPage(disk.inner, server.adapter, { online: true })
    await again.persistor.ready
    expect(again.ops().map((op) => op.id)).toEqual([revived])
    await vi.waitFor(() => expect(again.status()).toMatchObject({ pending: 0, failed: 0 }))
    expect(server.applied.map((change) => change.key)).toEqual([revived])
    await expectNoOrphans(again, disk.inner)
    again.sync.stop()
  })
})

describe('a conflict and its parked operation come back together after a crash within throttleMs', () => {
  // A throttle no test reaches: slices and metadata are written only when the persistence writes them at once.
  const slow = { throttleMs: 60_000 }

  it('a conflict parked just before the crash is still open after the reload, and can be resolved', async () => {
    const disk = crashableStorage()
    const server = createIdempotentServer()
    const page = loadPage(disk.storage, server.adapter, { online: true, conflict: 'manual', persist: slow })
    await page.persistor.ready
    page.store.dispatch(page.todos.actions.added(todo('a', 'Original')))
    await vi.waitFor(() => expect(page.status().pending).toBe(0))
    await page.sync.flush()
    server.edit('a', { done: true })
    page.store.dispatch(page.todos.actions.updated({ id: 'a', changes: { title: 'Mine' } }))
    const parked = page.ops()[0]!.id
    await vi.waitFor(() => expect(disk.storedOp(parked)?.status).toBe('conflict'))
    disk.crash()
    page.sync.stop()

    const again = loadPage(disk.inner, server.adapter, { online: true, conflict: 'manual', persist: slow })
    await again.persistor.ready
    const open = again.sync.selectors.selectOpenConflicts(again.store.getState())
    expect(open.map((conflict) => conflict.id)).toEqual([parked])
    expect(again.ops().map((op) => [op.id, op.status])).toEqual([[parked, 'conflict']])
    again.store.dispatch(again.sync.actions.resolveConflict({ id: parked, choose: 'local' }))
    await vi.waitFor(() => expect(again.status().pending).toBe(0))
    expect(server.records.get('a')).toMatchObject({ title: 'Mine' })
    await expectNoOrphans(again, disk.inner)
    again.sync.stop()
  })

  it('a manual resolution just before the crash leaves no open conflict without its parked operation', async () => {
    const disk = crashableStorage()
    const server = createIdempotentServer()
    const page = loadPage(disk.storage, server.adapter, { online: true, conflict: 'manual' })
    await page.persistor.ready
    page.store.dispatch(page.todos.actions.added(todo('a', 'Original')))
    await vi.waitFor(() => expect(page.status().pending).toBe(0))
    server.edit('a', { done: true })
    page.store.dispatch(page.todos.actions.updated({ id: 'a', changes: { title: 'Mine' } }))
    await vi.waitFor(() => expect(page.sync.selectors.selectOpenConflicts(page.store.getState())).toHaveLength(1))
    page.store.dispatch(page.sync.actions.pause())
    await page.sync.flush()
    const [conflict] = page.sync.selectors.selectOpenConflicts(page.store.getState())
    // Resolved; the page dies once the re-sent change is stored, before anything else is written.
    page.store.dispatch(page.sync.actions.resolveConflict({ id: conflict!.id, choose: 'local' }))
    const replacement = page.ops()[0]!.id
    disk.crashWhen((key) => !key.endsWith(`/op/${replacement}`))
    await vi.waitFor(() => expect(disk.storedOp(replacement)).toBeTruthy())
    page.sync.stop()

    const again = loadPage(disk.inner, server.adapter, { online: true, conflict: 'manual' })
    await again.persistor.ready
    expect(again.sync.selectors.selectOpenConflicts(again.store.getState())).toEqual([])
    expect(again.ops().map((op) => [op.id, op.status])).toEqual([[replacement, 'pending']])
    await vi.waitFor(() => expect(again.status()).toMatchObject({ pending: 0, conflicts: 0 }))
    expect(server.records.get('a')).toMatchObject({ title: 'Mine' })
    await expectNoOrphans(again, disk.inner)
    again.sync.stop()
  })

  it('an operation parked with no open conflict to show is sent again, not stuck', async () => {
    const disk = crashableStorage()
    const server = createIdempotentServer()
    server.seed({ id: 'a', title: 'Original', done: false, version: 1 })
    const parked = {
      id: 'parked-1',
      seq: 1,
      entity: 'todos',
      recordId: 'a',
      kind: 'update',
      data: { title: 'Mine' },
      baseVersion: 1,
      enqueuedAt: 1,
      attempts: 1,
      nextAttemptAt: null,
      status: 'conflict',
      lastError: null,
      priority: 0,
      userId: null,
    }
    await disk.inner.setItem('rtk-offline/op/parked-1', JSON.stringify(parked))
    await disk.inner.setItem('rtk-offline/meta', JSON.stringify({ v: 1, nextSeq: 2, conflicts: [], cursors: {} }))
    await disk.inner.setItem(
      'rtk-offline/entity/todos',
      JSON.stringify({ records: [{ id: 'a', title: 'Mine', done: false, version: 1 }], bases: [['a', { id: 'a', title: 'Original', done: false, version: 1 }]] }),
    )
    const page = loadPage(disk.inner, server.adapter, { online: true, conflict: 'manual' })
    await page.persistor.ready
    await vi.waitFor(() => expect(page.ops()).toEqual([]))
    expect(page.status()).toMatchObject({ pending: 0, conflicts: 0 })
    expect(server.applied.map((change) => change.key)).toEqual(['parked-1'])
    expect(page.view()).toEqual([server.records.get('a')])
    await expectNoOrphans(page, disk.inner)
    page.sync.stop()
  })
})
