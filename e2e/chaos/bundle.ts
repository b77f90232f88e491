import { build } from 'esbuild'
import { fileURLToPath } from 'node:url'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const entry = fileURLToPath(new URL('./harness/main.ts', import.meta.url))

/**
 * Where the harness takes rtk-offline from:
 * - `dist`: the built package (`npm run build`), as an app installs it; what `npm run e2e` tests, after
 *   its global setup built the library.
 * - `src`: the TypeScript sources, bundled by esbuild in a fraction of a second, so a fix in src/ is
 *   tried at once by `npm run chaos:browser` without building the library first.
 */
export type LibrarySource = 'dist' | 'src'

/** Bundles the harness page (harness/main.ts) with esbuild into one ES module, as a browser loads it. */
export async function bundleHarness(source: LibrarySource): Promise<string> {
  const alias =
    source === 'dist'
      ? { 'rtk-offline/persist': `${repo}dist/persist/index.js`, 'rtk-offline': `${repo}dist/index.js` }
      : { 'rtk-offline/persist': `${repo}src/persist/index.ts`, 'rtk-offline': `${repo}src/index.ts` }
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    sourcemap: 'inline',
    alias,
    define: { 'process.env.NODE_ENV': '"development"' },
    logLevel: 'error',
  })
  return result.outputFiles[0]!.text
}
