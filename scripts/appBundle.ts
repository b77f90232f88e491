import type { Metafile } from 'esbuild'

/**
 * How `npm run size` (scripts/size.ts) and the bench's size workload (bench/workloads/size.ts) bundle an
 * entry, the way an app bundler would: ESM for browsers, minified, NODE_ENV=production, code splitting on
 * (a dynamic `import()` becomes a chunk loaded later), nothing written, a metafile to read. Output paths
 * start with `size-out`.
 */
export const appBundleOptions = {
  bundle: true,
  minify: true,
  splitting: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  define: { 'process.env.NODE_ENV': '"production"' },
  outdir: 'size-out',
  write: false,
  metafile: true,
  logLevel: 'silent',
} as const

/**
 * The outputs of an esbuild bundle that load with its entry: the entry and, transitively, the chunks it
 * imports statically (a dynamic `import()` becomes a chunk loaded later, which is not counted).
 */
export function upFrontOutputs(metafile: Metafile): Set<string> {
  const entry =
    Object.entries(metafile.outputs).find(([, output]) => output.entryPoint !== undefined)?.[0] ??
    Object.keys(metafile.outputs).find((path) => path.endsWith('/app.js') || path.endsWith('stdin.js'))
  if (!entry) throw new Error('size: esbuild produced no entry output')
  const seen = new Set<string>()
  const visit = (path: string) => {
    if (seen.has(path)) return
    seen.add(path)
    for (const imported of metafile.outputs[path]?.imports ?? [])
      if (!imported.external && imported.kind === 'import-statement') visit(imported.path)
  }
  visit(entry)
  return seen
}
