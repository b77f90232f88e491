import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { MemoryReport } from './memoryChild'

/**
 * Workload 4, memory: each contestant in a fresh process (so one's garbage is not the other's), started
 * with --expose-gc; heap used after a forced GC at each checkpoint of operations drained.
 */
export interface MemoryOptions {
  records: number
  checkpoints: number[]
  timeoutMs: number
}

export function runMemoryChild(contestant: string, options: MemoryOptions): Promise<MemoryReport> {
  const script = fileURLToPath(new URL('./memoryChild.ts', import.meta.url))
  const child = spawn(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', script, contestant, String(options.records), options.checkpoints.join(',')],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  let output = ''
  child.stdout.setEncoding('utf8')
  child.stdout.on('data', (chunk: string) => (output += chunk))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill()
      reject(new Error(`memory: ${contestant} took longer than ${options.timeoutMs / 1000} s`))
    }, options.timeoutMs)
    child.once('error', reject)
    child.once('exit', (code) => {
      clearTimeout(timer)
      if (code !== 0) return reject(new Error(`memory: the ${contestant} process exited with ${code}`))
      try {
        resolve(JSON.parse(output.trim().split('\n').pop() ?? '') as MemoryReport)
      } catch (error) {
        reject(new Error(`memory: unreadable report from ${contestant}: ${String(error)}`))
      }
    })
  })
}

export async function runMemory(options: MemoryOptions, log: (message: string) => void): Promise<MemoryReport[]> {
  const reports: MemoryReport[] = []
  for (const contestant of ['rtk-offline', 'redux-offline']) {
    log(`memory: ${contestant}, ${options.checkpoints.at(-1)} operations drained over ${options.records} records`)
    reports.push(await runMemoryChild(contestant, options))
  }
  return reports
}
