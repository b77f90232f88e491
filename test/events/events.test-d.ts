import { describe, expectTypeOf, it } from 'vitest'
import { createOfflineSync, createRestAdapter, createSyncedEntity, syncEvents, type OpSummary, type SyncErrorInfo, type SyncEvent } from 'rtk-offline'

describe('sync event types', () => {
  it('narrow by type', () => {
    const todos = createSyncedEntity<{ id: string; title: string }>({ name: 'todos' })
    const sync = createOfflineSync({ entities: [todos], adapter: createRestAdapter({ baseUrl: '/api' }), events: syncEvents })
    const unsubscribe = sync.subscribe((event) => {
      expectTypeOf(event).toEqualTypeOf<SyncEvent>()
      expectTypeOf(event.at).toBeNumber()
      if (event.type === 'opFailed') {
        expectTypeOf(event.op).toEqualTypeOf<OpSummary>()
        expectTypeOf(event.error).toEqualTypeOf<SyncErrorInfo>()
      }
      if (event.type === 'drainFinished') expectTypeOf(event.durationMs).toBeNumber()
      // @ts-expect-error a drain start has no op
      if (event.type === 'drainStarted') void event.op
    })
    expectTypeOf(unsubscribe).toEqualTypeOf<() => void>()
    // @ts-expect-error events is the syncEvents plugin, not a boolean
    createOfflineSync({ entities: [todos], adapter: createRestAdapter({ baseUrl: '/api' }), events: true })
  })
})
