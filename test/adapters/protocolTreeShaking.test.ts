import { describe, expect, it } from 'vitest'
import { bundledFiles } from '../support/bundledFiles'

const engine = ['createSyncedEntity', 'createOfflineSync']
const isProtocol = (file: string) => file.startsWith('src/adapters/protocol/')

describe('each adapter is bundled only when imported', () => {
  it("the quick start's bundle (the REST adapter) holds none of the protocol adapter", async () => {
    const files = await bundledFiles([...engine, 'createRestAdapter'])
    expect(files).toContain('src/adapters/rest/createRestAdapter.ts')
    expect(files.filter(isProtocol)).toEqual([])
  })

  it('an app on the protocol adapter bundles it and the shared HTTP checks, but not the REST adapter', async () => {
    const files = await bundledFiles([...engine, 'createSyncProtocolAdapter'])
    expect(files).toEqual(
      expect.arrayContaining([
        'src/adapters/protocol/createSyncProtocolAdapter.ts',
        'src/adapters/protocol/pushOperations.ts',
        'src/adapters/protocol/subscribeToEvents.ts',
        'src/adapters/http/sendRequest.ts',
        'src/adapters/http/statusOutcome.ts',
      ]),
    )
    expect(files).not.toContain('src/adapters/rest/createRestAdapter.ts')
  })
})
