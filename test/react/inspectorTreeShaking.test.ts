import { build } from 'esbuild'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))
const reactNames = [...readFileSync(`${root}src/react/index.ts`, 'utf8').matchAll(/^export \{ (\w+) \}/gm)].map((match) => match[1]!)

/** The source files of the react entry an app's bundle holds when it imports `names` (tree-shaken, minified, peers and the core external). */
async function bundledFiles(names: string[]): Promise<string[]> {
  const result = await build({
    stdin: { contents: `export { ${names.join(', ')} } from './src/react/index.ts'`, resolveDir: root, loader: 'ts', sourcefile: 'app.ts' },
    bundle: true,
    format: 'esm',
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    external: ['@reduxjs/toolkit', 'react', 'react-redux', 'rtk-offline', 'react/jsx-runtime'],
  })
  const [output] = Object.values(result.metafile.outputs)
  return Object.entries(output!.inputs)
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([path]) => path)
}

const isInspector = (file: string) => file.startsWith('src/react/inspector/')

describe('the inspector is bundled only when imported', () => {
  it('an app that imports every other export of rtk-offline/react ships none of it', async () => {
    const others = reactNames.filter((name) => name !== 'SyncInspector')
    expect(others).toContain('SyncStatusBanner')
    expect((await bundledFiles(others)).filter(isInspector)).toEqual([])
  })

  it('an app that imports SyncInspector ships it', async () => {
    expect(await bundledFiles(['SyncInspector'])).toContain('src/react/inspector/SyncInspector.tsx')
  })
})
