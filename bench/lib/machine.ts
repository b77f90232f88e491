import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { availableParallelism, totalmem } from 'node:os'

/** What the numbers were measured on: `2 cores (nproc), Intel(R) Xeon(R) …, 24 GiB, Node v20.20.0, linux x64`. */
export function describeMachine(): string {
  let cpu = 'unknown CPU'
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))
    if (match?.[1]) cpu = match[1].trim()
  } catch {
    // Not Linux: the CPU model stays unknown.
  }
  const gib = Math.round(totalmem() / 1024 ** 3)
  return `${availableParallelism()} cores (nproc), ${cpu}, ${gib} GiB RAM, Node ${process.version}, ${process.platform} ${process.arch}`
}

/** Which rtk-offline was measured: `commit 1a2b3c4` (`, src/ changed since` when the work tree differs). */
export function describeBuild(distEntry: string): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
    const commit = git('rev-parse', '--short', 'HEAD')
    const dirty = git('status', '--porcelain', '--', 'src') !== ''
    return `rtk-offline at commit ${commit}${dirty ? ' with uncommitted changes in src/' : ''}, loaded from ${distEntry.replace(process.cwd() + '/', '')}`
  } catch {
    return `rtk-offline loaded from ${distEntry}`
  }
}
