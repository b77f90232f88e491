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
