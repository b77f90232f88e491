import { describe, expect, it } from 'vitest'
import { createOfflineSync, createRestAdapter, createSyncedEntity, serverAssignedIds, SyncSetupError, type ServerIdsOption } from '../../src'

const adapter = createRestAdapter({ baseUrl: 'http://localhost/api' })

describe('server-assigned ids: setup mistakes say what to do', () => {
  it('`serverIds: true` asks for serverAssignedIds()', () => {
    const lists = createSyncedEntity<{ id: string }>({ name: 'lists', serverIds: true as unknown as ServerIdsOption })
    expect(() => createOfflineSync({ entities: [lists], adapter })).toThrow(SyncSetupError)
    expect(() => createOfflineSync({ entities: [lists], adapter })).toThrow(/serverIds: serverAssignedIds\(\)/)
  })

  it('a reference to an entity without serverIds, or to none in the sync, is refused', () => {
    const lists = createSyncedEntity<{ id: string }>({ name: 'lists' })
    const items = createSyncedEntity<{ id: string; listId: string }>({ name: 'items', serverIds: serverAssignedIds(), references: { listId: 'lists' } })
    expect(() => createOfflineSync({ entities: [lists, items], adapter })).toThrow(/references.listId of "items" names "lists", which has no `serverIds`/)
    const tags = createSyncedEntity<{ id: string; itemId: string }>({ name: 'tags', serverIds: serverAssignedIds(), references: { itemId: 'things' } })
    expect(() => createOfflineSync({ entities: [tags], adapter })).toThrow(/which is not among createOfflineSync/)
  })
})
