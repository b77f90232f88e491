import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

/**
 * The source's layers, lowest first. A file may import files of its own layer or of a lower one, never of a
 * higher one, and no chain of imports may come back to where it started. Core is Redux-free: it imports
 * nothing outside src/core, not even a package.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const src = join(root, 'src')

const LAYERS: Array<{ name: string; holds: (file: string) => boolean }> = [
  { name: 'core', holds: (file) => file.startsWith('core/') },
  { name: 'model (types.ts)', holds: (file) => file === 'types.ts' },
  { name: 'conflicts, adapters', holds: (file) => file.startsWith('conflicts/') || file.startsWith('adapters/') },
  { name: 'slices', holds: (file) => file.startsWith('slices/') },
  { name: 'middleware', holds: (file) => file.startsWith('middleware/') },
  // Sync events read the engine's actions and states; the core names only their types and its `events` option.
  // The DevTools sanitizers read the states too, and nothing imports them but the entry.
  { name: 'events, devtools', holds: (file) => file.startsWith('events/') || file.startsWith('devtools/') },
  // Server-assigned ids: the remap, reached through the serverIds option's value (src/slices/serverIdsPlugin.ts).
  { name: 'server-assigned ids', holds: (file) => file.startsWith('serverIds/') },
  {
    name: 'createOfflineSync, selectors, the persistence contract',
    holds: (file) => file === 'createOfflineSync.ts' || file === 'selectors.ts' || file === 'persistencePlugin.ts',
  },
  {
    name: 'entries (index.ts, persist, react, msw, server, reduxOffline, query)',
    holds: (file) =>
      file === 'index.ts' ||
      file.startsWith('persist/') ||
      file.startsWith('react/') ||
      file.startsWith('msw/') ||
      file.startsWith('server/') ||
      file.startsWith('reduxOffline/') ||
      file.startsWith('query/'),
  },
]

/** Upward imports that stay until the work that removes them lands, each with its reason (none today). */
const KNOWN_UPWARD = new Set<string>([])

/** The package's own entries, as the react and msw entries import them. */
const PACKAGE_ENTRIES: Record<string, string> = {
  'rtk-offline': 'index.ts',
  'rtk-offline/react': 'react/index.ts',
  'rtk-offline/msw': 'msw/index.ts',
  'rtk-offline/persist': 'persist/index.ts',
  'rtk-offline/server': 'server/index.ts',
  'rtk-offline/redux-offline': 'reduxOffline/index.ts',
  'rtk-offline/query': 'query/index.ts',
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [relative(src, path).split('\\').join('/')] : []
  })
}

/** Every module a file names in an import or export statement, or in `import()` (read by TypeScript's own scanner). */
function specifiers(code: string): string[] {
  return ts.preProcessFile(code, true, true).importedFiles.map((file) => file.fileName)
}

function resolveRelative(from: string, specifier: string): string {
  const base = join(dirname(join(src, from)), specifier)
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')])
    if (existsSync(candidate) && statSync(candidate).isFile()) return relative(src, candidate).split('\\').join('/')
  throw new Error(`${from} imports ${specifier}, which is not a file`)
}

function layerOf(file: string): number {
  const layer = LAYERS.findIndex((candidate) => candidate.holds(file))
  if (layer < 0) throw new Error(`src/${file} belongs to no layer: add it to LAYERS in test/unit/layers.test.ts`)
  return layer
}

const files = sourceFiles(src)
const graph = new Map<string, string[]>()
const packages = new Map<string, string[]>()
for (const file of files) {
  const targets: string[] = []
  const bare: string[] = []
  for (const specifier of specifiers(readFileSync(join(src, file), 'utf8'))) {
    if (specifier.startsWith('.')) targets.push(resolveRelative(file, specifier))
    else if (specifier in PACKAGE_ENTRIES) targets.push(PACKAGE_ENTRIES[specifier]!)
    else bare.push(specifier)
  }
  graph.set(file, [...new Set(targets)])
  packages.set(file, bare)
}

/** Strongly connected groups of more than one file (or a file importing itself): the import cycles. */
function cycles(): string[][] {
  let index = 0
  const indexOf = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const found: string[][] = []
  const visit = (file: string) => {
    indexOf.set(file, index)
    low.set(file, index)
    index += 1
    stack.push(file)
    onStack.add(file)
    for (const target of graph.get(file) ?? []) {
      if (!indexOf.has(target)) {
        visit(target)
        low.set(file, Math.min(low.get(file)!, low.get(target)!))
      } else if (onStack.has(target)) low.set(file, Math.min(low.get(file)!, indexOf.get(target)!))
    }
    if (low.get(file) === indexOf.get(file)) {
      const group: string[] = []
      let member: string
      do {
        member = stack.pop()!
        onStack.delete(member)
        group.push(member)
      } while (member !== file)
      if (group.length > 1 || (graph.get(file) ?? []).includes(file)) found.push(group.sort())
    }
  }
  for (const file of graph.keys()) if (!indexOf.has(file)) visit(file)
  return found
}

describe('the layers of src/', () => {
  it('finds the source files and their imports', () => {
    expect(files).toContain('index.ts')
    expect(graph.get('index.ts')!.length).toBeGreaterThan(5)
  })

  it('has no import cycles', () => {
    expect(cycles()).toEqual([])
  })

  it('has no import from a lower layer to a higher one', () => {
    const upward: string[] = []
    for (const [file, targets] of graph)
      for (const target of targets) {
        const edge = `${file} -> ${target}`
        if (layerOf(target) > layerOf(file) && !KNOWN_UPWARD.has(edge))
          upward.push(`${edge} (${LAYERS[layerOf(file)]!.name} imports ${LAYERS[layerOf(target)]!.name})`)
      }
    expect(upward).toEqual([])
  })

  it('keeps core free of everything outside src/core, packages included', () => {
    const outside: string[] = []
    for (const file of files.filter((file) => file.startsWith('core/'))) {
      for (const target of graph.get(file)!) if (!target.startsWith('core/')) outside.push(`${file} -> ${target}`)
      for (const name of packages.get(file)!) outside.push(`${file} -> ${name}`)
    }
    expect(outside).toEqual([])
  })

  it('keeps the server (Node only) out of every other entry', () => {
    const intoServer = [...graph].flatMap(([file, targets]) =>
      file.startsWith('server/') ? [] : targets.filter((target) => target.startsWith('server/')).map((target) => `${file} -> ${target}`),
    )
    expect(intoServer).toEqual([])
  })

  it('lists only upward imports that still exist', () => {
    const edges = new Set([...graph].flatMap(([file, targets]) => targets.map((target) => `${file} -> ${target}`)))
    expect([...KNOWN_UPWARD].filter((edge) => !edges.has(edge))).toEqual([])
  })
})
