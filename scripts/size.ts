/**
 * `npm run size`: what each public entry costs an app, measured from the built dist/ (run `npm run build`
 * first), and the budgets of scripts/sizeBudgets.ts enforced (exit 1 when one is passed).
 *
 * Each row is bundled by esbuild the way an app bundler would: ESM for browsers, minified,
 * NODE_ENV=production, peers external, code splitting on (a dynamic `import()` becomes a chunk loaded
 * later), each output gzipped at level 9 with node:zlib. "Up front" is the entry and the chunks it imports
 * statically; "lazy" is what it imports dynamically (localforage, when persistence uses its default storage).
 *
 * It then prints where the quick start's bytes are, by source folder (a bundle of the same three imports
 * from src/: the profile behind issue 10's 8 KiB goal, which the quick start misses).
 *
 * It also checks that the core entry holds no persistence: a bundle of src/index.ts and one of
 * dist/index.js must not include src/persist/ or localforage (persistence is opt-in: `rtk-offline/persist`).
 */
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'
import { budgetsKiB } from './sizeBudgets'
import { appBundleOptions, upFrontOutputs } from './appBundle'
import { bytesByFolder } from './sizeByFolder'

const root = fileURLToPath(new URL('..', import.meta.url))
const dist = (file: string) => `${root}dist/${file}`
const peers = ['@reduxjs/toolkit', 'react', 'react-redux', 'msw']

interface Row {
  name: string
  upFront: { minified: number; gzipped: number }
  lazy: { minified: number; gzipped: number }
  inputs: string[]
}


async function measure(name: string, contents: string, external: string[]): Promise<Row> {
  // The subpath entries import the core by its package name: bundled from dist/ unless counted apart.
  const alias = external.includes('rtk-offline') ? {} : { alias: { 'rtk-offline': dist('index.js') } }
  const result = await build({ ...appBundleOptions, ...alias, stdin: { contents, resolveDir: root, sourcefile: 'app.js', loader: 'js' }, external })
  const upFront = upFrontOutputs(result.metafile!)
  const row: Row = { name, upFront: { minified: 0, gzipped: 0 }, lazy: { minified: 0, gzipped: 0 }, inputs: [] }
  for (const file of result.outputFiles!) {
    const key = Object.keys(result.metafile!.outputs).find((path) => file.path.endsWith(path.replace(/^size-out/, '')))
    if (key === undefined) throw new Error(`size: no metafile output for ${file.path}`)
    const target = upFront.has(key) ? row.upFront : row.lazy
    target.minified += file.contents.byteLength
    target.gzipped += gzipSync(file.contents, { level: 9 }).byteLength
    row.inputs.push(...Object.keys(result.metafile!.outputs[key]!.inputs))
  }
  return row
}

const kib = (bytes: number) => bytes / 1024
const format = (bytes: number) => `${kib(bytes).toFixed(2)} KiB`
const exportAll = (file: string) => `export * from ${JSON.stringify(dist(file))}`

async function main(): Promise<number> {
  for (const file of ['index.js', 'react/index.js', 'persist/index.js', 'msw/index.js'])
    if (!existsSync(dist(file))) {
      console.error(`size: dist/${file} is missing; run \`npm run build\` first.`)
      return 1
    }
  const quickStart = `export { createSyncedEntity, createOfflineSync, createRestAdapter } from ${JSON.stringify(dist('index.js'))}`
  const withEvents = `export { createSyncedEntity, createOfflineSync, createRestAdapter, syncEvents, createSyncMetrics } from ${JSON.stringify(dist('index.js'))}`
  // Every value the react entry exports but the developer panel: what an app that never renders it ships.
  const reactNames = [...readFileSync(`${root}src/react/index.ts`, 'utf8').matchAll(/^export \{ (\w+) \}/gm)].map((match) => match[1]!)
  const reactWithoutInspector = `export { ${reactNames.filter((name) => name !== 'SyncInspector').join(', ')} } from ${JSON.stringify(dist('react/index.js'))}`
  const withPersistence = `${quickStart}\nexport { createPersistence } from ${JSON.stringify(dist('persist/index.js'))}`
  const rows = [
    await measure('quick start', quickStart, peers),
    await measure('quick start + syncEvents + createSyncMetrics', withEvents, peers),
    await measure('quick start + createPersistence', withPersistence, [...peers, 'localforage']),
    await measure('quick start + createPersistence, localforage counted', withPersistence, peers),
    await measure('rtk-offline (whole core entry)', exportAll('index.js'), peers),
    await measure('rtk-offline/react', exportAll('react/index.js'), [...peers, 'rtk-offline']),
    await measure('rtk-offline/react without SyncInspector', reactWithoutInspector, [...peers, 'rtk-offline']),
    await measure('rtk-offline/persist', exportAll('persist/index.js'), [...peers, 'rtk-offline', 'localforage']),
    await measure('rtk-offline/persist, localforage counted', exportAll('persist/index.js'), [...peers, 'rtk-offline']),
    await measure('rtk-offline/msw', exportAll('msw/index.js'), [...peers, 'rtk-offline']),
    await measure('rtk-offline/redux-offline', exportAll('redux-offline/index.js'), [...peers, 'rtk-offline']),
    await measure('rtk-offline/query', exportAll('query/index.js'), [...peers, 'rtk-offline']),
  ]

  console.log('| entry | min+gzip up front | lazy (dynamic imports) | minified up front | budget |')
  console.log('| --- | ---: | ---: | ---: | ---: |')
  let failed = false
  for (const row of rows) {
    const budget = budgetsKiB[row.name]
    const over = budget !== undefined && kib(row.upFront.gzipped) > budget
    if (over) failed = true
    const budgetCell = budget === undefined ? '—' : `${budget.toFixed(2)} KiB${over ? ' **PASSED**' : ''}`
    console.log(
      `| ${row.name} | ${format(row.upFront.gzipped)} | ${row.lazy.gzipped === 0 ? '—' : format(row.lazy.gzipped)} | ${format(row.upFront.minified)} | ${budgetCell} |`,
    )
  }
  for (const name of Object.keys(budgetsKiB))
    if (!rows.some((row) => row.name === name)) {
      console.error(`size: the budget "${name}" names no measured row.`)
      failed = true
    }

  const quick = rows.find((row) => row.name === 'quick start')!
  // The quick start's bytes by folder, from src so that files keep their names (dist/ has chunks).
  const quickFromSource = await build({
    ...appBundleOptions,
    stdin: { contents: quickStart.replace(JSON.stringify(dist('index.js')), JSON.stringify(`${root}src/index.ts`)), resolveDir: root, sourcefile: 'app.js', loader: 'js' },
    external: peers,
  })
  const shares = bytesByFolder(quickFromSource.metafile!)
  const whole = shares.reduce((sum, share) => sum + share.bytes, 0)
  console.log(`\nWhere the quick start's bytes are (bundled from src/, minified ${format(whole)}; a folder's gzipped share estimated as its part of the whole ${format(quick.upFront.gzipped)}):\n`)
  console.log('| folder | files | minified | share | ≈ min+gzip | largest file |')
  console.log('| --- | ---: | ---: | ---: | ---: | --- |')
  for (const share of shares)
    console.log(
      `| ${share.folder.replace(root, '')} | ${share.files} | ${format(share.bytes)} | ${((share.bytes / whole) * 100).toFixed(1)} % | ${format((share.bytes / whole) * quick.upFront.gzipped)} | ${share.largest.file} (${format(share.largest.bytes)}) |`,
    )

  // Persistence is opt-in: the core entry must not hold any of it, whether bundled from source or from dist.
  const fromSource = await build({ ...appBundleOptions, entryPoints: [`${root}src/index.ts`], external: peers })
  const fromDist = rows.find((row) => row.name === 'rtk-offline (whole core entry)')!
  const leaks = [
    ...Object.keys(fromSource.metafile!.inputs).filter((input) => /(^|\/)src\/persist\/|localforage/.test(input)),
    ...[...fromDist.inputs, ...quick.inputs].filter((input) => /dist\/persist\/|localforage/.test(input)),
  ]
  const coreText = fromSource.outputFiles!.map((file) => file.text).join('\n')
  if (/localforage/.test(coreText)) leaks.push('the word "localforage" in the bundled core')
  if (leaks.length > 0) {
    console.error(`size: the core entry includes persistence code, which belongs in rtk-offline/persist:\n  ${[...new Set(leaks)].join('\n  ')}`)
    failed = true
  } else console.log('\nThe core entry holds no persistence code and no localforage (checked in bundles of src/index.ts and dist/index.js).')

  if (failed) console.error('\nsize: a budget is passed (see scripts/sizeBudgets.ts) or the core holds persistence code.')
  return failed ? 1 : 0
}

process.exitCode = await main()
