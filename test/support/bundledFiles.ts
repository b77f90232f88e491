import { build } from 'esbuild'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))

/** Where the names come from: the core entry, or the react entry (with the core and React external). */
const entries = {
  core: { path: './src/index.ts', external: ['@reduxjs/toolkit', 'localforage'] },
  react: { path: './src/react/index.ts', external: ['@reduxjs/toolkit', 'react', 'react-redux', 'rtk-offline', 'react/jsx-runtime'] },
} as const

/**
 * The source files (paths from the repository root) an app's bundle holds when it imports `names` from an
 * entry: bundled by esbuild as an app's bundler would, tree-shaken, minified, for production, peers
 * external. The tree-shaking tests read it to show what an app pays for only when it imports it.
 */
export async function bundledFiles(names: readonly string[], entry: keyof typeof entries = 'core'): Promise<string[]> {
  const { path, external } = entries[entry]
  const result = await build({
    stdin: { contents: `export { ${names.join(', ')} } from '${path}'`, resolveDir: root, loader: 'ts', sourcefile: 'app.ts' },
    bundle: true,
    format: 'esm',
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    external: [...external],
  })
  // Inputs tree-shaken away entirely still appear in the metafile's inputs, with no bytes in the output.
  const [output] = Object.values(result.metafile.outputs)
  return Object.entries(output!.inputs)
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([file]) => file)
}
