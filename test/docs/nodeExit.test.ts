import { spawn } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const root = new URL('../../', import.meta.url)

/** Runs a file with tsx; resolves to its exit code, or 'running' if it has not exited `graceMs` after printing `ready`. */
function run(file: string, env: Record<string, string>, ready: string, graceMs: number): Promise<{ exit: number | null | 'running'; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    let timer: ReturnType<typeof setTimeout> | undefined
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      if (timer === undefined && output.includes(ready))
        timer = setTimeout(() => {
          child.kill()
          resolve({ exit: 'running', output })
        }, graceMs)
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.on('error', reject)
    child.on('exit', (code) => {
      clearTimeout(timer)
      resolve({ exit: code, output })
    })
  })
}

describe('the README quick start in Node', () => {
  it('ends by itself once it has synced: the idle pull timer (pullIntervalMs, 60 s) does not hold the process', async () => {
    const result = await run('test/docs/runQuickStart.ts', {}, 'synced', 5000)
    expect(result).toEqual({ exit: 0, output: expect.stringContaining('synced') })
  }, 30_000)

  it('lets the process end once sync.stop() is called', async () => {
    const result = await run('test/docs/runQuickStart.ts', { RTK_OFFLINE_STOP: '1' }, 'synced', 5000)
    expect(result).toEqual({ exit: 0, output: expect.stringContaining('synced') })
  }, 30_000)
})

describe('docs/node-and-tests.md: examples/docs/node-and-tests/script.ts', () => {
  let server: Server
  const requests: string[] = []
  beforeAll(async () => {
    server = createServer((request, response) => {
      requests.push(`${request.method} ${request.url}`)
      let body = ''
      request.on('data', (chunk: Buffer) => (body += chunk.toString()))
      request.on('end', () => {
        response.setHeader('content-type', 'application/json')
        if (request.method === 'GET') return response.end(JSON.stringify({ changes: [], cursor: '1', hasMore: false }))
        response.statusCode = 201
        response.end(JSON.stringify({ ...JSON.parse(body), version: 1 }))
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  it('sends its note with persistence on, then exits by itself', async () => {
    const { port } = server.address() as AddressInfo
    const result = await run('examples/docs/node-and-tests/script.ts', { API_URL: `http://127.0.0.1:${port}` }, 'pending', 5000)
    expect(result.exit).toBe(0)
    expect(result.output).toContain('pending: 0')
    expect(requests.filter((request) => request.startsWith('POST'))).toEqual(['POST /notes'])
  }, 30_000)
})
