import { existsSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { dirname, resolve } from 'node:path'
import { build, type Plugin } from 'esbuild'
import { executablePath, launchChromium } from '../../e2e/browser'
import type { RestoreBrowserApi } from '../browser/restorePage'
import { distEntry } from '../lib/loadRtkOffline'
import { median } from '../lib/stats'

/**
 * Restore in real Chromium's IndexedDB. A page (bench/browser/restorePage.ts, bundled by esbuild with
 * rtk-offline from dist/, Redux Toolkit and localforage) is served from 127.0.0.1 and opened in Debian's
 * Chromium through playwright-core. It stores `records` confirmed records and one pending update per
 * record through rtk-offline's persistence (localforage on IndexedDB), then, for each round, the page is
 * reloaded (a fresh JavaScript context; IndexedDB keeps the data) and a new store restores it: timed in
 * the page with `performance.now()` from creating the store until `persistor.ready`, then checked (every
 * operation pending again, records showing their change). Warm-up rounds are not counted.
 */
export interface RestoreBrowserOptions {
  records: number
  warmups: number
  rounds: number
}

export interface RestoreBrowserResult {
  options: RestoreBrowserOptions
  /** Why it did not run (no Chromium), when it did not. */
  skipped?: string
  samples: number[]
  medianMs: number
  /** Keys in storage after filling it. */
  keys: number
  browser: string
}

/** Resolves `rtk-offline` and `rtk-offline/persist` to the built entries (tsconfig's paths would pick src/). */
const distPlugin: Plugin = {
  name: 'rtk-offline-dist',
  setup(build) {
    build.onResolve({ filter: /^rtk-offline$/ }, () => ({ path: distEntry }))
    build.onResolve({ filter: /^rtk-offline\/persist$/ }, () => ({ path: resolve(dirname(distEntry), 'persist/index.js') }))
  },
}

/**
 * The page's script, bundled as an app ships it (minified, `process.env.NODE_ENV` "production"), with
 * rtk-offline from dist/ unless `plugins` resolve it elsewhere (bench/profile/restoreBrowser.ts: from a
 * source tree).
 */
export async function bundlePage(plugins: Plugin[] = [distPlugin], { keepNames = false } = {}): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('../browser/restorePage.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    // keepNames (a profile's): identifiers left as written, so the profile names the functions.
    ...(keepNames ? { minifyWhitespace: true, minifySyntax: true } : { minify: true }),
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins,
    write: false,
    logLevel: 'silent',
  })
  return result.outputFiles[0]!.text
}

export async function runRestoreBrowser(options: RestoreBrowserOptions, log: (message: string) => void): Promise<RestoreBrowserResult> {
  const empty = { options, samples: [], medianMs: Number.NaN, keys: 0, browser: '' }
  if (!existsSync(executablePath))
    return { ...empty, skipped: `no Chromium at ${executablePath} (install Debian's with \`apt-get install -y chromium\`, or set CHROMIUM_PATH)` }
  log('restore-browser: bundling the page with esbuild')
  const script = await bundlePage()
  const server = createServer((request, response) => {
    if (request.url === '/page.js') {
      response.writeHead(200, { 'Content-Type': 'text/javascript' })
      response.end(script)
    } else {
      response.writeHead(200, { 'Content-Type': 'text/html' })
      response.end('<!doctype html><title>restore bench</title><script type="module" src="/page.js"></script>')
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
  const browser = await launchChromium()
  try {
    const page = await browser.newPage()
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(String(error)))
    const open = async () => {
      await page.goto(url)
      await page.waitForFunction(() => 'restoreBench' in globalThis)
    }
    // Each function below runs in the page (playwright sends its source), where the page set `restoreBench`.
    type InPage = { restoreBench: RestoreBrowserApi }
    await open()
    log(`restore-browser: storing ${options.records} records and ${options.records} operations in Chromium's IndexedDB`)
    const { keys } = await page.evaluate((records) => (globalThis as unknown as InPage).restoreBench.fill(records), options.records)
    const samples: number[] = []
    for (let round = 0; round < options.warmups + options.rounds; round++) {
      const warmup = round < options.warmups
      await open()
      const { ms } = await page.evaluate((records) => (globalThis as unknown as InPage).restoreBench.restore(records), options.records)
      log(`restore-browser ${warmup ? 'warm-up' : `round ${round - options.warmups + 1}/${options.rounds}`}: ${ms.toFixed(0)} ms`)
      if (!warmup) samples.push(ms)
    }
    await page.evaluate(() => (globalThis as unknown as InPage).restoreBench.clear())
    if (errors.length > 0) throw new Error(`restore-browser: the page threw ${errors[0]}`)
    return { options, samples, medianMs: median(samples), keys, browser: `Chromium ${browser.version()}` }
  } finally {
    await browser.close()
    await new Promise((resolve) => server.close(resolve))
  }
}
