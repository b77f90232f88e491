import { describe, expect, it } from 'vitest'
import { bundledFiles } from '../support/bundledFiles'

const quickStart = ['createSyncedEntity', 'createOfflineSync', 'createRestAdapter']
const isEvents = (file: string) => file.startsWith('src/events/')

describe('sync events and metrics are bundled only when imported', () => {
  it("the quick start's bundle holds none of them", async () => {
    expect((await bundledFiles(quickStart)).filter(isEvents)).toEqual([])
  })

  it('syncEvents brings the code that reads events, not the metrics', async () => {
    const files = (await bundledFiles([...quickStart, 'syncEvents'])).filter(isEvents)
    expect(files.sort()).toEqual(['src/events/eventHub.ts', 'src/events/eventTap.ts', 'src/events/syncEvents.ts'])
  })

  it('createSyncMetrics brings the metrics and their sample', async () => {
    const files = (await bundledFiles([...quickStart, 'syncEvents', 'createSyncMetrics'])).filter(isEvents)
    expect(files).toEqual(expect.arrayContaining(['src/events/createSyncMetrics.ts', 'src/events/sampleReservoir.ts']))
  })
})
