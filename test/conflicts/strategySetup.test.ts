import { describe, expect, it } from 'vitest'
import { createOfflineSync, createSyncedEntity, mergeFields, SyncSetupError, type SyncAdapter } from '../../src'

const adapter: SyncAdapter = { push: async () => [] }

describe('the conflict option at setup', () => {
  it.each([
    ["'merge'", 'merge', "import { mergeFields } from 'rtk-offline' and pass mergeFields({ fields, fallback, updatedAtField })"],
    ["{ strategy: 'merge' }", { strategy: 'merge', fallback: 'server-wins' }, "import { mergeFields } from 'rtk-offline'"],
    ["'last-write-wins'", 'last-write-wins', "import { lastWriteWins } from 'rtk-offline' and pass lastWriteWins({ updatedAtField })"],
    ["{ strategy: 'last-write-wins' }", { strategy: 'last-write-wins', updatedAtField: 'at' }, "import { lastWriteWins } from 'rtk-offline'"],
  ])('refuses the old form %s in createSyncedEntity and createOfflineSync, naming the import that replaces it', (given, conflict, advice) => {
    const entity = () => createSyncedEntity({ name: 'items', conflict: conflict as never })
    expect(entity).toThrow(SyncSetupError)
    expect(entity).toThrow(`rtk-offline: the \`conflict\` option of createSyncedEntity("items") no longer takes ${given.replace("' }", "', … }")}: ${advice}`)
    const items = createSyncedEntity({ name: 'items' })
    const sync = () => createOfflineSync({ entities: [items], adapter, conflict: conflict as never })
    expect(sync).toThrow(SyncSetupError)
    expect(sync).toThrow(/the `conflict` option of createOfflineSync no longer takes/)
  })

  it('refuses anything else that is not a strategy, and takes the built-ins and resolvers', () => {
    expect(() => createSyncedEntity({ name: 'items', conflict: 'theirs' as never })).toThrow(
      "rtk-offline: the `conflict` option of createSyncedEntity(\"items\") must be 'server-wins', 'client-wins', 'manual' or a resolver function such as mergeFields(), lastWriteWins() or deepMerge(), not 'theirs'.",
    )
    expect(() => createSyncedEntity({ name: 'items', conflict: null as never })).toThrow(/must be 'server-wins'.*, not null\.$/)
    expect(() => createSyncedEntity({ name: 'items', conflict: { fallback: 'manual' } as never })).toThrow(/must be 'server-wins'.*, not an object\.$/)
    expect(() => createSyncedEntity({ name: 'items', conflict: { strategy: 'ours' } as never })).toThrow(/must be 'server-wins'.*, not \{ strategy: 'ours', … \}\.$/)
    for (const conflict of ['server-wins', 'client-wins', 'manual', mergeFields(), () => 'manual' as const, undefined] as const)
      expect(() => createOfflineSync({ entities: [createSyncedEntity({ name: 'items', conflict })], adapter, conflict })).not.toThrow()
  })
})
