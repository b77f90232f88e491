import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

/**
 * The newcomer guides show only code tsc checks: each ```ts or ```tsx block follows a marker naming the
 * file under examples/docs/ it comes from (tsconfig includes examples, so `npx tsc` type-checks it).
 * `<!-- snippet: path -->` means the block is the whole file; `<!-- excerpt: path -->` means it is a run
 * of whole lines of that file, for a page that shows one part of a longer example.
 */
const guides = ['getting-started', 'node-and-tests', 'react-native', 'ssr', 'backend-contract', 'troubleshooting', 'existing-slices', 'redux-persist', 'from-redux-offline', 'events', 'server-ids', 'rtk-query']

const root = new URL('../../', import.meta.url)
const read = (path: string) => readFileSync(new URL(path, root), 'utf8')

interface Block {
  marker: { kind: 'snippet' | 'excerpt'; path: string } | null
  code: string
  line: number
}

function blocksOf(markdown: string): Block[] {
  const lines = markdown.split('\n')
  const blocks: Block[] = []
  for (let i = 0; i < lines.length; i++) {
    if (!/^```tsx?$/.test(lines[i]!)) continue
    const end = lines.indexOf('```', i + 1)
    let previous = i - 1
    while (previous >= 0 && lines[previous]!.trim() === '') previous--
    const found = /^<!-- (snippet|excerpt): (\S+) -->$/.exec(lines[previous] ?? '')
    blocks.push({
      marker: found ? { kind: found[1] as 'snippet' | 'excerpt', path: found[2]! } : null,
      code: lines.slice(i + 1, end).join('\n') + '\n',
      line: i + 1,
    })
    i = end
  }
  return blocks
}

/** A marked block's code is the file it names (snippet) or whole lines of it (excerpt). */
function expectMatchesFile(block: Block, where: string): void {
  const { kind, path } = block.marker!
  expect(path.startsWith('examples/docs/'), where).toBe(true)
  expect(existsSync(new URL(path, root)), `${where}: ${path} exists`).toBe(true)
  const file = read(path)
  if (kind === 'snippet') expect(block.code, where).toBe(file)
  else expect(`\n${file}`.includes(`\n${block.code}`), `${where}: whole lines of ${path}`).toBe(true)
}

describe('README.md', () => {
  const readme = read('README.md')

  it('shows in "Adopting rtk-offline" only TypeScript that is a type-checked file under examples/docs/, one block per path at least', () => {
    const start = readme.indexOf('## Adopting rtk-offline')
    const section = readme.slice(start, readme.indexOf('\n## ', start + 1))
    const blocks = blocksOf(section)
    expect(blocks.length).toBeGreaterThanOrEqual(2)
    for (const block of blocks) {
      expect(block.marker, `README "Adopting" block ${block.line}: put <!-- snippet: examples/docs/… --> before it`).not.toBeNull()
      expectMatchesFile(block, `README "Adopting" block ${block.line}`)
    }
  })

  it('matches every marked block elsewhere to its file', () => {
    for (const block of blocksOf(readme)) if (block.marker) expectMatchesFile(block, `README.md line ${block.line}`)
  })
})

describe.each(guides)('docs/%s.md', (page) => {
  const markdown = read(`docs/${page}.md`)

  it('is linked from the README', () => {
    expect(read('README.md')).toContain(`(docs/${page}.md)`)
  })

  it('shows only TypeScript that is a type-checked file under examples/docs/', () => {
    for (const block of blocksOf(markdown)) {
      const where = `docs/${page}.md line ${block.line}`
      expect(block.marker, `${where}: put <!-- snippet: examples/docs/… --> before the block`).not.toBeNull()
      expectMatchesFile(block, where)
    }
  })
})

describe('README.md', () => {
  it('shows, after a snippet or excerpt marker, only a type-checked file under examples/docs/', () => {
    for (const block of blocksOf(read('README.md'))) {
      if (!block.marker) continue
      const where = `README.md line ${block.line}`
      const { kind, path } = block.marker
      expect(path.startsWith('examples/docs/'), where).toBe(true)
      expect(existsSync(new URL(path, root)), `${where}: ${path} exists`).toBe(true)
      const file = read(path)
      if (kind === 'snippet') expect(block.code, where).toBe(file)
      else expect(`\n${file}`.includes(`\n${block.code}`), `${where}: whole lines of ${path}`).toBe(true)
    }
  })
})
