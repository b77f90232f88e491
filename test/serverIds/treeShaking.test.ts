import { describe, expect, it } from 'vitest'
import { bundledFiles } from '../support/bundledFiles'

const quickStart = ['createSyncedEntity', 'createOfflineSync', 'createRestAdapter']
const isServerIds = (file: string) => file.startsWith('src/serverIds/')

describe('server-assigned ids are bundled only when imported', () => {
  it("the quick start's bundle holds none of the remap", async () => {
    expect((await bundledFiles(quickStart)).filter(isServerIds)).toEqual([])
  })

  it('an app that passes serverAssignedIds() bundles the remap, the waiting and the settling', async () => {
    const files = await bundledFiles([...quickStart, 'serverAssignedIds'])
    expect(files).toEqual(
      expect.arrayContaining([
        'src/serverIds/serverAssignedIds.ts',
        'src/serverIds/remapEntity.ts',
        'src/serverIds/remapOutbox.ts',
        'src/serverIds/waitsForCreate.ts',
        'src/serverIds/settleAssigned.ts',
        'src/serverIds/translateIds.ts',
      ]),
    )
    expect(files).not.toContain('src/serverIds/selectIds.ts')
  })
})
