import { afterEach, describe, expect, it, vi } from 'vitest'
import { syncEvents, type SyncEvent } from 'rtk-offline'
import { createMockBackend } from 'rtk-offline/msw'
import { createClient } from '../support/client'
import { useMswServer } from '../support/mswServer'

const baseUrl = 'http://127.0.0.1:4061/api'
const backend = createMockBackend({ baseUrl, pageSize: 100 })
useMswServer(...backend.handlers)
const stops: Array<() => void> = []
afterEach(() => {
  for (const stop of stops.splice(0)) stop()
  backend.reset()
})

describe('sync events over the MSW mock backend', () => {
  it('tells each pulled page applied, with its entity, records, cursor and whether more follow', async () => {
    backend.seed('items', Array.from({ length: 3 }, (_, i) => ({ id: `r${i}`, title: `r${i}`, done: false })))
    const clock = { now: 5_000 }
    const c = createClient(baseUrl, { limit: 2, events: syncEvents, now: () => clock.now })
    stops.push(() => c.sync.stop())
    const events: SyncEvent[] = []
    c.sync.subscribe((event) => events.push(event))
    c.network.setOnline(true)
    const pages = () => events.filter((event) => event.type === 'pullPageApplied')
    await vi.waitFor(() => expect(pages().length).toBeGreaterThanOrEqual(2))
    // The first run, from the start (a later one, on coming online, asks from the last cursor).
    expect(pages().slice(0, 2)).toEqual([
      { type: 'pullPageApplied', at: 5_000, entity: 'items', records: 2, cursor: expect.any(String), hasMore: true },
      { type: 'pullPageApplied', at: 5_000, entity: 'items', records: 1, cursor: expect.any(String), hasMore: false },
    ])
  })

  it('tells a change sent and confirmed through the REST adapter', async () => {
    const c = createClient(baseUrl, { events: syncEvents })
    stops.push(() => c.sync.stop())
    const events: SyncEvent[] = []
    c.sync.subscribe((event) => events.push(event))
    c.store.dispatch(c.items.actions.added({ id: 'x', title: 'Rope', done: false }))
    c.network.setOnline(true)
    await vi.waitFor(() => expect(events.map((event) => event.type)).toContain('drainFinished'))
    const pushed = events.filter((event) => event.type !== 'pullPageApplied').map((event) => event.type)
    expect(pushed).toEqual(['drainStarted', 'opSent', 'requestFinished', 'opConfirmed', 'drainFinished'])
    expect(events.find((event) => event.type === 'opConfirmed')).toMatchObject({ op: { entity: 'items', recordId: 'x', kind: 'create' } })
  })
})
