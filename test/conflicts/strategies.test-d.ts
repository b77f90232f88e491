import { describe, expectTypeOf, it } from 'vitest'
import {
  createOfflineSync,
  createRestAdapter,
  createSyncedEntity,
  deepMerge,
  lastWriteWins,
  mergeFields,
  sumCounters,
  type ConflictResolver,
  type ConflictStrategy,
} from 'rtk-offline'

interface Item {
  id: string
  title: string
  quantity: number
  updatedAt: number
}

const adapter = createRestAdapter({ baseUrl: 'http://localhost/api' })

describe('conflict strategies', () => {
  it('take the built-ins by name and the opt-in ones as resolvers typed by the record', () => {
    createSyncedEntity<Item>({ name: 'a', conflict: 'server-wins' })
    createSyncedEntity<Item>({ name: 'b', conflict: 'manual' })
    createSyncedEntity<Item>({ name: 'c', conflict: lastWriteWins({ updatedAtField: 'updatedAt' }) })
    createSyncedEntity<Item>({ name: 'd', conflict: mergeFields({ fields: { quantity: sumCounters() }, fallback: 'server-wins' }) })
    createSyncedEntity<Item>({ name: 'e', conflict: deepMerge() })
    expectTypeOf(mergeFields<Item>()).toEqualTypeOf<ConflictResolver<Item>>()
    expectTypeOf(lastWriteWins()).toMatchTypeOf<ConflictStrategy>()
    createOfflineSync({ entities: [createSyncedEntity<Item>({ name: 'f' })], adapter, conflict: mergeFields() })
  })

  it('refuse the old forms, unknown fields and fallbacks', () => {
    // @ts-expect-error 'merge' is mergeFields() now
    createSyncedEntity<Item>({ name: 'a', conflict: 'merge' })
    // @ts-expect-error 'last-write-wins' is lastWriteWins() now
    createSyncedEntity<Item>({ name: 'b', conflict: 'last-write-wins' })
    // @ts-expect-error the object form is mergeFields({ fallback }) now
    createSyncedEntity<Item>({ name: 'c', conflict: { strategy: 'merge', fallback: 'server-wins' } })
    // @ts-expect-error a field merger for a field the record does not have
    createSyncedEntity<Item>({ name: 'd', conflict: mergeFields({ fields: { colour: sumCounters() } }) })
    // @ts-expect-error not a fallback
    mergeFields({ fallback: 'remote' })
  })
})
