/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): the top functions by self time and by total
 * (inclusive) time, with their share of the samples.
 *
 *   node --import tsx bench/profile/summarize.ts /tmp/prof/CPU.*.cpuprofile [--top=25] [--filter=src/] [--lines=merge]
 *
 * Line numbers are those of the code V8 ran: profile a build (`npx tsup`, then `--dist`) to read them.
 */
import { readFileSync } from 'node:fs'

interface Node {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  hitCount?: number
  children?: number[]
  positionTicks?: { line: number; ticks: number }[]
}
interface Profile {
  nodes: Node[]
  samples: number[]
  timeDeltas: number[]
}

const args = process.argv.slice(2)
const files = args.filter((a) => !a.startsWith('--'))
const top = Number(args.find((a) => a.startsWith('--top='))?.slice(6) ?? 25)
const filter = args.find((a) => a.startsWith('--filter='))?.slice(9)
/** `--lines=name`: the sampled lines of the functions whose label contains `name` (self samples by line). */
const lines = args.find((a) => a.startsWith('--lines='))?.slice(8)

for (const file of files) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const parent = new Map<number, number>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)
  const self = new Map<number, number>()
  profile.samples.forEach((id, index) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)))
  const total = [...self.values()].reduce((a, b) => a + b, 0)
  const label = (node: Node): string => {
    const url = node.callFrame.url.replace(/^.*\/(node_modules\/|src\/|bench\/|dist\/)/, '$1')
    return `${node.callFrame.functionName || '(anonymous)'} ${url}:${node.callFrame.lineNumber + 1}`
  }
  const selfBy = new Map<string, number>()
  const totalBy = new Map<string, number>()
  for (const [id, time] of self) {
    const node = byId.get(id)!
    selfBy.set(label(node), (selfBy.get(label(node)) ?? 0) + time)
    const seen = new Set<string>()
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const name = label(byId.get(at)!)
      if (seen.has(name)) continue
      seen.add(name)
      totalBy.set(name, (totalBy.get(name) ?? 0) + time)
    }
  }
  const print = (title: string, map: Map<string, number>) => {
    console.log(`\n${title} (${file}, ${(total / 1000).toFixed(0)} ms sampled)`)
    for (const [name, time] of [...map].filter(([name]) => !filter || name.includes(filter)).sort((a, b) => b[1] - a[1]).slice(0, top))
      console.log(`${((time / total) * 100).toFixed(1).padStart(5)}%  ${(time / 1000).toFixed(0).padStart(6)} ms  ${name}`)
  }
  print('self', selfBy)
  print('total', totalBy)
  if (lines) {
    const byLine = new Map<string, number>()
    for (const node of profile.nodes) {
      if (!label(node).includes(lines)) continue
      for (const { line, ticks } of node.positionTicks ?? []) {
        const key = `${node.callFrame.url.replace(/^.*\//, '')}:${line}`
        byLine.set(key, (byLine.get(key) ?? 0) + ticks)
      }
    }
    console.log(`\nself ticks by line in ${lines}`)
    for (const [line, ticks] of [...byLine].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${String(ticks).padStart(6)}  ${line}`)
  }
}
