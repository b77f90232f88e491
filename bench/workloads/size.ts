import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'
import { distEntry } from '../lib/loadRtkOffline'
import { appBundleOptions, upFrontOutputs } from '../../scripts/appBundle'

/**
 * Workload 5, size: an entry bundled by esbuild the same way for both (ESM for browsers, minified,
 * NODE_ENV=production, its Redux peer external, code splitting on so that a dynamic `import()` becomes
 * a chunk loaded later, as app bundlers do), each file gzipped at level 9 with node:zlib. "Up front" is
 * the entry and the chunks it imports statically; "lazy" is what it imports dynamically.
 */
export interface SizeRow {
  name: string
  entry: string
  external: string[]
  /** Minified and gzipped bytes loaded with the entry. */
  upFront: { minified: number; gzipped: number }
  /** Minified and gzipped bytes of dynamically imported chunks, and what they hold. */
  lazy: { minified: number; gzipped: number; inputs: string[] }
}

export interface SizeBreakdown {
  /** Minified bytes each source file adds to the up-front bundle (from a bundle of src/index.ts). */
  files: { file: string; minified: number }[]
  minified: number
}


async function measure(name: string, entry: string | { contents: string }, external: string[]): Promise<SizeRow> {
  const input =
    typeof entry === 'string'
      ? { entryPoints: [entry] }
      : { stdin: { contents: entry.contents, resolveDir: fileURLToPath(new URL('.', import.meta.url)), sourcefile: 'app.js' } }
  const result = await build({ ...appBundleOptions, ...input, external })
  const upFront = upFrontOutputs(result.metafile)
  const row: SizeRow = { name, entry: typeof entry === 'string' ? entry : entry.contents, external, upFront: { minified: 0, gzipped: 0 }, lazy: { minified: 0, gzipped: 0, inputs: [] } }
  for (const file of result.outputFiles) {
    if (file.path.endsWith('.map')) continue
    const key = Object.keys(result.metafile.outputs).find((path) => file.path.endsWith(path.replace(/^.*size-out/, '')))
    const target = key !== undefined && upFront.has(key) ? row.upFront : row.lazy
    target.minified += file.contents.byteLength
    target.gzipped += gzipSync(file.contents, { level: 9 }).byteLength
    if (target === row.lazy && key !== undefined)
      row.lazy.inputs.push(...Object.keys(result.metafile.outputs[key]!.inputs).map((input) => input.replace(/^.*node_modules\//, '')))
  }
  return row
}

/** What the README's quick start imports, tree-shaken: the core an app pays for at least. */
const QUICK_START_IMPORTS = `export { createSyncedEntity, createOfflineSync, createRestAdapter } from ${JSON.stringify(distEntry)}`

const reactPeers = ['@reduxjs/toolkit', 'react', 'react/jsx-runtime', 'react-redux', 'rtk-offline']

/** The react entry's value exports (read from src/react/index.ts) but `SyncInspector`, re-exported from the built entry. */
function reactWithoutInspector(builtEntry: string): string {
  const source = readFileSync(fileURLToPath(new URL('../../src/react/index.ts', import.meta.url)), 'utf8')
  const names = [...source.matchAll(/^export \{ (\w+) \}/gm)].map((match) => match[1]!).filter((name) => name !== 'SyncInspector')
  return `export { ${names.join(', ')} } from ${JSON.stringify(builtEntry)}`
}

/** The row names the goals are judged on. */
export const SIZE_ROWS = {
  core: 'rtk-offline',
  quickStart: "rtk-offline, the quick start's imports",
  quickStartPersisted: "rtk-offline, the quick start's imports + persistence",
  react: 'rtk-offline/react',
  reactWithoutInspector: 'rtk-offline/react without SyncInspector',
  persist: 'rtk-offline/persist',
} as const

export async function runSize(): Promise<SizeRow[]> {
  const require = createRequire(import.meta.url)
  const dist = dirname(distEntry)
  const persistEntry = join(dist, 'persist', 'index.js')
  const hasPersistEntry = existsSync(persistEntry)
  // With persistence on, the app also loads localforage: counted in the row's total (up front + lazy).
  const persistedImports = hasPersistEntry
    ? `${QUICK_START_IMPORTS}\nexport { createPersistence } from ${JSON.stringify(persistEntry)}`
    : QUICK_START_IMPORTS
  const rows = [
    await measure(SIZE_ROWS.core, distEntry, ['@reduxjs/toolkit']),
    await measure(SIZE_ROWS.quickStart, { contents: QUICK_START_IMPORTS }, ['@reduxjs/toolkit']),
    await measure(SIZE_ROWS.quickStartPersisted, { contents: persistedImports }, ['@reduxjs/toolkit']),
    // What the react entry adds to an app that already has the core: rtk-offline itself external.
    await measure(SIZE_ROWS.react, join(dist, 'react', 'index.js'), reactPeers),
    // Every value of the entry but the developer panel issue 13 put there: what an app that never renders it ships.
    await measure(SIZE_ROWS.reactWithoutInspector, { contents: reactWithoutInspector(join(dist, 'react', 'index.js')) }, reactPeers),
  ]
  if (hasPersistEntry) rows.push(await measure(SIZE_ROWS.persist, persistEntry, ['@reduxjs/toolkit', 'rtk-offline']))
  rows.push(await measure('redux-offline', require.resolve('@redux-offline/redux-offline'), ['redux']))
  return rows
}

/** Which source files the up-front bytes come from: src/index.ts bundled the same way, per input. */
export async function runSizeBreakdown(): Promise<SizeBreakdown> {
  const entry = fileURLToPath(new URL('../../src/index.ts', import.meta.url))
  const result = await build({ ...appBundleOptions, entryPoints: [entry], external: ['@reduxjs/toolkit'] })
  const totals = new Map<string, number>()
  for (const path of upFrontOutputs(result.metafile))
    for (const [input, { bytesInOutput }] of Object.entries(result.metafile.outputs[path]!.inputs))
      totals.set(input, (totals.get(input) ?? 0) + bytesInOutput)
  const files = [...totals].map(([file, minified]) => ({ file: file.replace(/^.*?(src\/)/, '$1'), minified })).sort((a, b) => b.minified - a.minified)
  return { files, minified: files.reduce((sum, file) => sum + file.minified, 0) }
}
