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
