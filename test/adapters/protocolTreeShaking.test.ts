import { build } from 'esbuild'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))

/** The source files an app's bundle holds when it imports `names` from the core entry (tree-shaken, minified, peers external). */
async function bundledFiles(names: string[]): Promise<string[]> {
  const result = await build({
    stdin: { contents: `export { ${names.join(', ')} } from './src/index.ts'`, resolveDir: root, loader: 'ts', sourcefile: 'app.ts' },
    bundle: true,
    format: 'esm',
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
    external: ['@reduxjs/toolkit', 'localforage'],
  })
  // Inputs tree-shaken away entirely still appear in the metafile's inputs, with no bytes in the output.
  const [output] = Object.values(result.metafile.outputs)
  return Object.entries(output!.inputs)
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([path]) => path)
}

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
