import type { Metafile } from 'esbuild'

/**
 * The outputs of an esbuild bundle that load with its entry: the entry and, transitively, the chunks it
 * imports statically (a dynamic `import()` becomes a chunk loaded later, which is not counted). Shared by
 * `npm run size` (scripts/size.ts) and the bench's size workload (bench/workloads/size.ts).
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
