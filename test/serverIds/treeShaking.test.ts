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
  const [output] = Object.values(result.metafile.outputs)
  return Object.entries(output!.inputs)
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([path]) => path)
}

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
