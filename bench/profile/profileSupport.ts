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
