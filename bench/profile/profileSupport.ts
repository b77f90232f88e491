/**
 * What the scripts in bench/profile share: their `--name=value` arguments, loading rtk-offline from this
 * src, another source tree or dist/, and a CPU profile of the part they time.
 */
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { loadRtkOffline, type RtkOffline } from '../lib/loadRtkOffline'

const args = process.argv.slice(2)

/** The value of `--name=value`, or undefined. */
export const arg = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3)

/** Whether `--name` was given. */
export const flag = (name: string): boolean => args.includes(`--${name}`)

/**
 * rtk-offline's core and persist entries side by side: from dist/ (`--dist`), from another source tree
 * (`--src=/path/to/src`, to compare with a baseline), or from this src.
 */
export async function loadLib(): Promise<RtkOffline> {
  if (flag('dist')) return loadRtkOffline()
  const src = resolve(arg('src') ?? fileURLToPath(new URL('../../src', import.meta.url)))
  const core = (await import(pathToFileURL(resolve(src, 'index.ts')).href)) as object
  const persist = (await import(pathToFileURL(resolve(src, 'persist/index.ts')).href)) as object
  return { ...core, ...persist } as RtkOffline
}

/** A CPU profile written to `--profile=file` between start() and stop() (each stop overwrites it); all no-ops without the flag. */
export async function cpuProfiler(): Promise<{ start(): Promise<void>; stop(): Promise<void>; close(): void }> {
  const path = arg('profile')
  if (!path) return { start: async () => {}, stop: async () => {}, close: () => {} }
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.setSamplingInterval', { interval: 200 })
  return {
    start: () => session.post('Profiler.start'),
    async stop() {
      const { profile } = await session.post('Profiler.stop')
      writeFileSync(path, JSON.stringify(profile))
    },
    close: () => session.disconnect(),
  }
}

interface SamplingNode {
  callFrame: { functionName: string; url: string; lineNumber: number }
  selfSize: number
  children: SamplingNode[]
}

/**
 * With `--allocations`: V8's sampling heap profiler between start() and report(), which prints the MB
 * allocated per round (of `rounds`) and the functions that allocated most (a builtin is named with the
 * function that called it). No-ops without the flag.
 */
export async function allocationSampler(): Promise<{ start(): Promise<void>; report(rounds: number): Promise<void> }> {
  if (!flag('allocations')) return { start: async () => {}, report: async () => {} }
  const session = new Session()
  session.connect()
  await session.post('HeapProfiler.enable')
  return {
    start: () =>
      session.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true }),
    async report(rounds) {
      const { profile } = await session.post('HeapProfiler.stopSampling')
      session.disconnect()
      const bySite = new Map<string, number>()
      let total = 0
      const walk = (node: SamplingNode, caller: string) => {
        const { functionName, url, lineNumber } = node.callFrame
        const name = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules\/|src\/|bench\/|dist\/)/, '$1')}:${lineNumber + 1}`
        const site = url ? name : `${name} < ${caller}`
        total += node.selfSize
        bySite.set(site, (bySite.get(site) ?? 0) + node.selfSize)
        for (const child of node.children) walk(child, name)
      }
      walk(profile.head as SamplingNode, '')
      const mb = (bytes: number) => (bytes / rounds / 1e6).toFixed(2)
      console.log(`allocated per round: ${mb(total)} MB; by function:`)
      for (const [site, bytes] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${mb(bytes).padStart(7)} MB  ${site}`)
    },
  }
}
