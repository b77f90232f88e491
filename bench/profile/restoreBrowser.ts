/**
 * Where a restore's time goes in real Chromium: the restore-browser workload's page
 * (bench/browser/restorePage.ts) bundled as an app ships it (minified, NODE_ENV "production") from this
 * src (or another source tree, or dist/), in Debian's Chromium, `records` records and operations stored
 * once, then `rounds` reloads each restoring them with the page's phase trace (restorePhases.ts): the
 * IndexedDB requests from issue to success event, JSON.parse summed, the `rehydrated` dispatch. Also the
 * CPU time every Chromium process of this run used during each restore (from /proc: the renderer, the
 * browser process where IndexedDB runs, the rest), and with `--profile` a CPU profile of the page's main
 * thread over the restores (CDP's Profiler; V8's .cpuprofile, the rounds merged, for summarize.ts).
 *
 *   node --import tsx bench/profile/restoreBrowser.ts [--records=10000] [--rounds=7] [--warmups=1]
 *   node --import tsx bench/profile/restoreBrowser.ts --src=/tmp/base/src      # a baseline source tree, for paired runs
 *   node --import tsx bench/profile/restoreBrowser.ts --dist                   # dist/ as the bench workload loads it
 *   node --import tsx bench/profile/restoreBrowser.ts --profile=/tmp/page.cpuprofile && node --import tsx bench/profile/summarize.ts /tmp/page.cpuprofile
 *   node --import tsx bench/profile/restoreBrowser.ts --probe                  # also: raw reads of the stored data (bench/browser/restoreProbe.ts)
 *   node --import tsx bench/profile/restoreBrowser.ts --plain                  # no phase trace (what its wrappers cost: compare the totals)
 *   node --import tsx bench/profile/restoreBrowser.ts --warm                   # rounds in one page, no reload: JavaScript warm after the first
 *
 * The page is served cross-origin isolated (COOP/COEP headers), which gives `performance.now()` 5 µs
 * steps instead of 100 µs; the plain workload serves it without them. Chromium's own CPU profiler
 * sampling every 100 µs slows the page somewhat: compare phase times of runs without `--profile`.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Plugin } from 'esbuild'
import { launchChromium } from '../../e2e/browser'
import type { RestoreBrowserApi } from '../browser/restorePage'
import type { PhaseTrace } from '../browser/restorePhases'
import { median } from '../lib/stats'
import { bundlePage } from '../workloads/restoreBrowser'
import { arg, flag } from './profileSupport'

const records = Number(arg('records') ?? 10_000)
const rounds = Number(arg('rounds') ?? 7)
const warmups = Number(arg('warmups') ?? 1)
const profilePath = arg('profile')

/** rtk-offline and rtk-offline/persist from a source tree (tsconfig's paths would only cover this one). */
function srcPlugin(src: string): Plugin {
  return {
    name: 'rtk-offline-src',
    setup(build) {
      build.onResolve({ filter: /^rtk-offline$/ }, () => ({ path: resolve(src, 'index.ts') }))
      build.onResolve({ filter: /^rtk-offline\/persist$/ }, () => ({ path: resolve(src, 'persist/index.ts') }))
    },
  }
}

const src = resolve(arg('src') ?? fileURLToPath(new URL('../../src', import.meta.url)))
// With --profile, identifiers are kept (whitespace and syntax still minified) so the profile names functions.
const script = await bundlePage(flag('dist') ? undefined : [srcPlugin(src)], { keepNames: profilePath !== undefined })
console.log(`page: ${(script.length / 1024).toFixed(0)} KiB minified, rtk-offline from ${flag('dist') ? 'dist/' : src}`)

const isolated = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' }
const server = createServer((request, response) => {
  if (request.url === '/page.js') {
    response.writeHead(200, { 'Content-Type': 'text/javascript', ...isolated })
    response.end(script)
  } else {
    response.writeHead(200, { 'Content-Type': 'text/html', ...isolated })
    response.end('<!doctype html><title>restore profile</title><script type="module" src="/page.js"></script>')
  }
})
await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`

/** CPU time (ms) of every process below this one, by Chromium's process type (`--type=`; none: the browser). */
function cpuOfChildren(): Map<string, number> {
  const ticksPerMs = 100 / 1000 // USER_HZ on Linux
  const parentOf = new Map<number, number>()
  const stats = new Map<number, { cpu: number; type: string }>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      const pid = Number(entry)
      parentOf.set(pid, Number(fields[1]))
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8')
      const type = /--type=([a-z-]+)/.exec(cmdline)?.[1] ?? (cmdline.includes('chrom') ? 'browser' : 'other')
      const extra = /--utility-sub-type=([\w.]+)/.exec(cmdline)?.[1]
      stats.set(pid, { cpu: (Number(fields[11]) + Number(fields[12])) / ticksPerMs, type: extra ? `${type}:${extra}` : type })
    } catch {
      // gone meanwhile
    }
  }
  const mine = (pid: number): boolean => {
    for (let at: number | undefined = pid; at !== undefined && at > 1; at = parentOf.get(at)) if (at === process.pid) return at !== pid
    return false
  }
  const byType = new Map<string, number>()
  for (const [pid, { cpu, type }] of stats) if (mine(pid)) byType.set(type, (byType.get(type) ?? 0) + cpu)
  return byType
}

interface CpuProfile {
  nodes: Array<{ id: number; children?: number[] }>
  samples: number[]
  timeDeltas: number[]
  startTime: number
  endTime: number
}

/** The rounds' profiles as one (node ids offset; summarize.ts reads nodes, samples and timeDeltas). */
function mergeProfiles(profiles: CpuProfile[]): CpuProfile {
  const merged: CpuProfile = { nodes: [], samples: [], timeDeltas: [], startTime: profiles[0]!.startTime, endTime: 0 }
  let offset = 0
  for (const profile of profiles) {
    let top = 0
    for (const node of profile.nodes) {
      merged.nodes.push({ ...node, id: node.id + offset, ...(node.children ? { children: node.children.map((child) => child + offset) } : {}) })
      top = Math.max(top, node.id)
    }
    for (const sample of profile.samples) merged.samples.push(sample + offset)
    merged.timeDeltas.push(...profile.timeDeltas)
    merged.endTime = merged.startTime + merged.timeDeltas.reduce((a, b) => a + b, 0)
    offset += top
  }
  return merged
}

/** The named segments of one restore's trace (ms). */
function segments(phases: PhaseTrace & { ready: number }): Array<[string, number]> {
  const spans = [...phases.spans].sort((a, b) => a.start - b.start)
  const open = spans.find((span) => span.name === 'indexedDB.open')
  const rehydrate = spans.find((span) => span.name.endsWith('/rehydrated'))
  const reads = spans.filter((span) => span.name.startsWith('store.get') && (!rehydrate || span.end <= rehydrate.start))
  const firstRead = reads[0]
  const lastRead = reads.at(-1)
  const out: Array<[string, number]> = []
  if (open) {
    out.push(['store made → indexedDB.open issued', open.start])
    out.push(['indexedDB.open (issue → success)', open.end - open.start])
  }
  if (open && firstRead) out.push(['open → first read issued', firstRead.start - open.end])
  for (const read of reads) out.push([`${read.name} (issue → success${read.count === undefined ? '' : `, ${read.count} values`})`, read.end - read.start])
  if (reads.length > 1) out.push(['reads, first issue → last success', lastRead!.end - firstRead!.start])
  if (lastRead && rehydrate) {
    out.push(['last read → rehydrated dispatched (parse, checks, state built)', rehydrate.start - lastRead.end])
    out.push([`  of which JSON.parse (${phases.parse.calls} calls, ${(phases.parse.chars / 1e6).toFixed(2)} M chars)`, phases.parse.ms])
  }
  if (rehydrate) {
    out.push(['rehydrated dispatch (reducers, freezing, middleware)', rehydrate.end - rehydrate.start])
    out.push(['dispatch → persistor.ready', phases.ready - rehydrate.end])
  }
  out.push(['other dispatches during the restore', spans.filter((span) => span.name.startsWith('dispatch') && span !== rehydrate).reduce((sum, span) => sum + span.end - span.start, 0)])
  out.push(['total: store made → persistor.ready', phases.ready])
  return out
}

const browser = await launchChromium()
type InPage = { restoreBench: RestoreBrowserApi }
try {
  const context = await browser.newContext()
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(String(error)))
  const open = async () => {
    await page.goto(url)
    await page.waitForFunction(() => 'restoreBench' in globalThis)
  }
  await open()
  if (!(await page.evaluate(() => globalThis.crossOriginIsolated))) console.log('note: the page is not cross-origin isolated (100 µs timer steps)')
  const { keys } = await page.evaluate((count) => (globalThis as unknown as InPage).restoreBench.fill(count), records)
  console.log(`stored ${records} records and ${records} operations: ${keys} keys; ${browser.version()}`)
  const totals: number[] = []
  const cpuTotals: number[] = []
  const cpuByType = new Map<string, number[]>()
  const bySegment = new Map<string, number[]>()
  const profiles: CpuProfile[] = []
  for (let round = 0; round < warmups + rounds; round++) {
    const warmup = round < warmups
    // --warm: no reload between rounds (the page's code already compiled and optimised by the rounds before).
    if (!flag('warm') || round === 0) await open()
    const cdp = profilePath && !warmup ? await context.newCDPSession(page) : null
    if (cdp) {
      await cdp.send('Profiler.enable')
      await cdp.send('Profiler.setSamplingInterval', { interval: 100 })
      await cdp.send('Profiler.start')
    }
    const cpuBefore = cpuOfChildren()
    const { ms, phases } = await page.evaluate(
      ([count, traced]) => (globalThis as unknown as InPage).restoreBench.restore(count, { phases: traced }),
      [records, !flag('plain')] as const,
    )
    const cpuAfter = cpuOfChildren()
    if (cdp) {
      const { profile } = await cdp.send('Profiler.stop')
      profiles.push(profile as unknown as CpuProfile)
      await cdp.detach()
    }
    let cpu = 0
    const cpuLine: string[] = []
    for (const [type, after] of cpuAfter) {
      const used = after - (cpuBefore.get(type) ?? 0)
      cpu += used
      if (!warmup) cpuByType.set(type, [...(cpuByType.get(type) ?? []), used])
      if (used > 0) cpuLine.push(`${type} ${used.toFixed(0)}`)
    }
    console.log(`${warmup ? 'warm-up' : `round ${round - warmups + 1}/${rounds}`}: ${ms.toFixed(0)} ms; Chromium CPU ${cpu.toFixed(0)} ms (${cpuLine.join(', ')})`)
    if (warmup) continue
    totals.push(ms)
    cpuTotals.push(cpu)
    if (phases) for (const [name, value] of segments(phases)) bySegment.set(name, [...(bySegment.get(name) ?? []), value])
  }
  if (flag('probe')) console.log(await page.evaluate(() => (globalThis as unknown as InPage).restoreBench.probe?.() ?? 'no probe in this page'))
  await page.evaluate(() => (globalThis as unknown as InPage).restoreBench.clear())
  if (errors.length > 0) throw new Error(`the page threw ${errors[0]}`)
  console.log(`\nphases, median of ${rounds} rounds (ms; rounds in brackets):`)
  for (const [name, values] of bySegment) console.log(`${median(values).toFixed(1).padStart(8)}  ${name}  [${values.map((v) => v.toFixed(0)).join(' ')}]`)
  console.log(`\nrestore median ${median(totals).toFixed(0)} ms (rounds: ${totals.map((v) => v.toFixed(0)).join(', ')}); Chromium CPU median ${median(cpuTotals).toFixed(0)} ms`)
  console.log(`CPU by process type, medians (10 ms steps): ${[...cpuByType].map(([type, values]) => `${type} ${median(values).toFixed(0)}`).join(', ')}`)
  if (profilePath) {
    writeFileSync(profilePath, JSON.stringify(mergeProfiles(profiles)))
    console.log(`CPU profile of the page's main thread, ${profiles.length} restores: ${profilePath}`)
  }
} finally {
  await browser.close()
  await new Promise((done) => server.close(done))
}
