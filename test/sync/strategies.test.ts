import { afterEach, describe, expect, it, vi } from 'vitest'
import { sumCounters, mergeAsSet, lastWriteWins, mergeFields, type ConflictStrategy } from 'rtk-offline'
import { createMockBackend } from 'rtk-offline/msw'
import { createClient, type Item } from '../support/client'
import { useMswServer } from '../support/mswServer'

const baseUrl = 'http://127.0.0.1:4040/api'
let clock = 1_000_000
const backend = createMockBackend({ baseUrl, now: () => clock })
useMswServer(...backend.handlers)
const stops: Array<() => void> = []
afterEach(() => {
  for (const stop of stops.splice(0)) stop()
  backend.reset()
  clock = 1_000_000
})

const seeded: Item = { id: 'a', title: 'Rope', done: false, quantity: 10, tags: ['gear'] }

/**
 * The classic conflict: a device pulls the record, goes offline and changes it while someone changes
 * it on the server; back online, its write meets a 412.
 */
async function conflictOn(strategy: ConflictStrategy<Item> | undefined, local: Partial<Item>, remote: Partial<Item> | 'deleted') {
  backend.seed('items', [seeded])
  const client = createClient(baseUrl, { conflict: strategy, now: () => clock })
  stops.push(() => client.sync.stop())
  client.network.setOnline(true)
  await vi.waitFor(() => expect(client.record('a')).toMatchObject({ version: 1 }))
  client.network.setOnline(false)
  clock += 1000
  client.store.dispatch(client.items.actions.updated({ id: 'a', changes: local }))
  clock += 1000
  if (remote === 'deleted') backend.deleteRemote('items', 'a')
  else backend.editRemote('items', 'a', remote)
  client.network.setOnline(true)
  await vi.waitFor(() => expect(client.status().pending).toBe(0))
  await vi.waitFor(() => expect(client.status().inflight).toBe(0))
  return client
}

describe('conflict strategies', () => {
  it('server-wins: takes the server record, drops the local change, keeps the conflict visible', async () => {
    const client = await conflictOn('server-wins', { title: 'Mine' }, { title: 'Theirs' })
    expect(client.record('a')).toMatchObject({ title: 'Theirs', version: 2 })
    expect(backend.record('items', 'a')).toMatchObject({ title: 'Theirs', version: 2 })
    expect(client.conflicts()).toMatchObject([{ recordId: 'a', resolution: 'server-wins', status: 'resolved', fields: expect.arrayContaining(['title']) }])
  })

  it('client-wins: sends the local change again on top of the remote version, keeping the remote change to other fields', async () => {
    const client = await conflictOn('client-wins', { title: 'Mine' }, { done: true })
    expect(backend.record('items', 'a')).toMatchObject({ title: 'Mine', done: true, version: 3 })
    expect(client.record('a')).toEqual(backend.record('items', 'a'))
  })

  it('lastWriteWins: the newer side wins by the operation time against updatedAt', async () => {
    // The local change was made before the remote edit: the server wins.
    const older = await conflictOn(lastWriteWins(), { title: 'Mine' }, { title: 'Theirs' })
    expect(backend.record('items', 'a')).toMatchObject({ title: 'Theirs' })
    expect(older.record('a')).toMatchObject({ title: 'Theirs' })
    for (const stop of stops.splice(0)) stop()
    backend.reset()
    // A local change made after the remote edit wins.
    backend.seed('items', [seeded])
    const client = createClient(baseUrl, { conflict: lastWriteWins(), now: () => clock })
    stops.push(() => client.sync.stop())
    client.network.setOnline(true)
    await vi.waitFor(() => expect(client.record('a')).toBeTruthy())
    client.network.setOnline(false)
    clock += 1000
    backend.editRemote('items', 'a', { title: 'Theirs' })
    clock += 1000
    client.store.dispatch(client.items.actions.updated({ id: 'a', changes: { title: 'Mine, later' } }))
    client.network.setOnline(true)
    await vi.waitFor(() => expect(backend.record('items', 'a')).toMatchObject({ title: 'Mine, later' }))
  })

  it('mergeFields: fields changed on one side only are merged and sent', async () => {
    const client = await conflictOn(mergeFields(), { title: 'Mine' }, { done: true })
    expect(backend.record('items', 'a')).toMatchObject({ title: 'Mine', done: true })
    expect(client.record('a')).toEqual(backend.record('items', 'a'))
    expect(client.conflicts()[0]).toMatchObject({ resolution: 'merged', fields: [] })
  })

  it('mergeFields: a field changed on both sides falls back to manual by default, and to the chosen fallback', async () => {
    const manual = await conflictOn(mergeFields(), { title: 'Mine', done: true }, { title: 'Theirs' })
    expect(manual.open()).toMatchObject([{ recordId: 'a', fields: ['title'], status: 'open' }])
    expect(manual.record('a')).toMatchObject({ title: 'Mine' })
    for (const stop of stops.splice(0)) stop()
    backend.reset()
    const serverFallback = await conflictOn(mergeFields({ fallback: 'server-wins' }), { title: 'Mine', done: true }, { title: 'Theirs' })
    expect(backend.record('items', 'a')).toMatchObject({ title: 'Theirs', done: true })
    expect(serverFallback.record('a')).toEqual(backend.record('items', 'a'))
  })

  it('mergeFields with field mergers: two sales from one stock are summed, tags merge as a set', async () => {
    const client = await conflictOn(
      mergeFields({ fields: { quantity: sumCounters(), tags: mergeAsSet() } }),
      { quantity: 8, tags: ['gear', 'rope'] },
      { quantity: 7, tags: ['gear', 'sale'] },
    )
    expect(backend.record('items', 'a')).toMatchObject({ quantity: 5, tags: ['gear', 'sale', 'rope'] })
    expect(client.record('a')).toEqual(backend.record('items', 'a'))
  })

  it('a custom function decides with base, local, remote and the operation', async () => {
    const seen: unknown[] = []
    const client = await conflictOn(
      ({ base, local, remote, op }) => {
        seen.push({ base: base?.title, local: local?.title, remote: remote?.title, kind: op.kind })
        return { merged: { ...remote!, title: `${local!.title} + ${remote!.title}` } }
      },
      { title: 'Mine' },
      { title: 'Theirs' },
    )
    expect(seen).toEqual([{ base: 'Rope', local: 'Mine', remote: 'Theirs', kind: 'update' }])
    expect(backend.record('items', 'a')).toMatchObject({ title: 'Mine + Theirs' })
    expect(client.record('a')).toEqual(backend.record('items', 'a'))
  })
})

describe('the manual path', () => {
  it('parks the conflict; later changes to the record wait; choosing local sends them all in order', async () => {
    const client = await conflictOn('manual', { title: 'Mine' }, { title: 'Theirs' })
    const [conflict] = client.open()
    expect(conflict).toMatchObject({
      recordId: 'a',
      base: expect.objectContaining({ title: 'Rope' }),
      local: expect.objectContaining({ title: 'Mine' }),
      remote: expect.objectContaining({ title: 'Theirs' }),
      fields: expect.arrayContaining(['title']),
    })
    expect(client.status()).toMatchObject({ phase: 'idle', conflicts: 1, pending: 0 })
    const writes = () => backend.requests.filter((request) => request.method === 'PATCH')
    client.store.dispatch(client.items.actions.updated({ id: 'a', changes: { done: true } }))
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(writes()).toHaveLength(1)
    client.store.dispatch(client.sync.actions.resolveConflict({ id: conflict!.id, choose: 'local' }))
    await vi.waitFor(() => expect(client.sync.selectors.selectPendingCount(client.store.getState())).toBe(0))
    expect(writes().map((request) => request.body)).toEqual([{ title: 'Mine' }, { title: 'Mine' }, { done: true }])
    expect(backend.record('items', 'a')).toMatchObject({ title: 'Mine', done: true })
    expect(client.open()).toEqual([])
    expect(client.conflicts()).toMatchObject([{ resolution: 'manual', status: 'resolved', choice: 'local' }])
  })

  it('choosing remote drops the change; a merged record is sent as it is', async () => {
    const remote = await conflictOn('manual', { title: 'Mine' }, { title: 'Theirs' })
    remote.store.dispatch(remote.sync.actions.resolveConflict({ id: remote.open()[0]!.id, choose: 'remote' }))
    expect(remote.record('a')).toMatchObject({ title: 'Theirs' })
    expect(remote.sync.selectors.selectPendingCount(remote.store.getState())).toBe(0)
    for (const stop of stops.splice(0)) stop()
    backend.reset()

    const merged = await conflictOn('manual', { title: 'Mine' }, { title: 'Theirs' })
    const { id, remote: theirs } = merged.open()[0]!
    merged.store.dispatch(merged.sync.actions.resolveConflict({ id, merged: { ...theirs!, title: 'Ours' } }))
    await vi.waitFor(() => expect(backend.record('items', 'a')).toMatchObject({ title: 'Ours' }))
    expect(() => merged.store.dispatch(merged.sync.actions.resolveConflict({ id, choose: 'local' }))).toThrow(/no open conflict has the id/)
  })
})

describe('a record deleted on the server', () => {
  it('server-wins removes it locally', async () => {
    const client = await conflictOn('server-wins', { title: 'Mine' }, 'deleted')
    expect(client.record('a')).toBeUndefined()
  })

  it('client-wins re-creates it', async () => {
    const client = await conflictOn('client-wins', { title: 'Mine' }, 'deleted')
    expect(backend.record('items', 'a')).toMatchObject({ id: 'a', title: 'Mine' })
    expect(client.record('a')).toMatchObject({ title: 'Mine' })
  })

  it('manual parks it with a null remote', async () => {
    const client = await conflictOn('manual', { title: 'Mine' }, 'deleted')
    expect(client.open()).toMatchObject([{ recordId: 'a', remote: null }])
    expect(client.record('a')).toMatchObject({ title: 'Mine' })
  })
})
