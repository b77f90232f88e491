import { describe, expect, it } from 'vitest'
import { bundledFiles } from '../support/bundledFiles'

const quickStart = ['createSyncedEntity', 'createOfflineSync', 'createRestAdapter']
const mergeCode = ['src/conflicts/threeWayMerge.ts', 'src/conflicts/resolvers.ts', 'src/conflicts/mergeFields.ts']

describe('conflict strategies are bundled only when imported', () => {
  it("the quick start's bundle holds no merge or last-write-wins code", async () => {
    const files = await bundledFiles(quickStart)
    expect(files).toContain('src/conflicts/decideConflict.ts')
    for (const file of [...mergeCode, 'src/conflicts/lastWriteWins.ts']) expect(files).not.toContain(file)
  })

  it('importing mergeFields brings the three-way merge in; lastWriteWins alone does not', async () => {
    expect(await bundledFiles([...quickStart, 'mergeFields'])).toEqual(expect.arrayContaining(mergeCode))
    const withLastWriteWins = await bundledFiles([...quickStart, 'lastWriteWins'])
    expect(withLastWriteWins).toContain('src/conflicts/lastWriteWins.ts')
    for (const file of mergeCode) expect(withLastWriteWins).not.toContain(file)
  })
})
