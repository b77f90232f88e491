import { expect, it } from 'vitest'
import { bundledFiles } from '../support/bundledFiles'

const quickStart = ['createSyncedEntity', 'createOfflineSync', 'createRestAdapter']
const isDevTools = (file: string) => file.startsWith('src/devtools/')

it("syncDevTools is bundled only when imported: the quick start's bundle holds none of it", async () => {
  expect((await bundledFiles(quickStart)).filter(isDevTools)).toEqual([])
  expect((await bundledFiles([...quickStart, 'syncDevTools'])).filter(isDevTools)).toEqual(['src/devtools/syncDevTools.ts'])
})
