import { describe, expect, it } from 'vitest'
import { runDemo } from '../examples/terminal-demo/main'
import { startServer, type DemoServer } from '../examples/terminal-demo/server'

const quiet = () => {}

describe('the terminal demo (npm run demo)', () => {
  it('ends with the server holding exactly the records the store shows', async () => {
    const result = await runDemo({ log: quiet })

    expect(result.ok).toBe(true)
    expect(result.matches).toBe(true)
    expect(result.serverRecords).toEqual(result.storeRecords)
    expect(result.storeRecords).toEqual([
      { id: 't1', title: 'Buy oat milk', done: true, version: 1 },
      { id: 't2', title: 'Write the Q4 report', done: false, version: 1 },
      { id: 't4', title: 'Book flights to Lisbon', done: true, version: 2 },
      { id: 't6', title: 'Renew passport', done: true, version: 1 },
    ])
  })

  it('sends one request per operation after coalescing, plus one for each failure it retries', async () => {
    const result = await runDemo({ log: quiet })

    // 15 actions: 10 become 4 creates, 5 become an update, a delete and a create.
    expect(result.actions).toBe(15)
    expect(result.operations).toBe(7)
    expect(result.injectedFailures).toBe(1)
    expect(result.requestCount).toBe(result.operations + result.injectedFailures)
    expect(result.requests.map((request) => `${request.method} ${request.status}`).sort()).toEqual(
      [...Array(5).fill('POST 201'), 'POST 503', 'PATCH 200', 'DELETE 204'].sort(),
    )
  })

  it('sends exactly one request per operation when nothing fails', async () => {
    const result = await runDemo({ log: quiet, injectFailure: false })

    expect(result.ok).toBe(true)
    expect(result.requestCount).toBe(result.operations)
    expect(result.requestCount).toBe(7)
  })

  it('tells the person watching that it goes offline, comes back online and ends in sync', async () => {
    const lines: string[] = []
    const result = await runDemo({ log: (line) => lines.push(line) })

    expect(lines).toEqual(result.lines)
    const text = lines.join('\n')
    expect(text).toMatch(/^network +offline/m)
    expect(text).toMatch(/^network +online/m)
    expect(text).toMatch(/10 actions became 4 operations/)
    expect(text).toMatch(/^http +POST +\/todos +503 +\(injected failure\)/m)
    expect(text).toMatch(/^requests +8 HTTP requests for 7 operations/m)
    expect(text).toMatch(/^match +yes/m)
    expect(text.indexOf('network  offline')).toBeLessThan(text.indexOf('network  online'))
  })
})

describe('the demo backend', () => {
  async function withServer(run: (server: DemoServer) => Promise<void>) {
    const server = await startServer()
    try {
      await run(server)
    } finally {
      await server.close()
    }
  }

  const json = (method: string, body: unknown, headers: Record<string, string> = {}): RequestInit => ({
    method,
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  })

  it('applies a write sent twice with the same Idempotency-Key once, and answers the same both times', () =>
    withServer(async (server) => {
      await fetch(`${server.url}/todos`, json('POST', { id: 'a', title: 'x' }))
      const patch = json('PATCH', { title: 'y' }, { 'Idempotency-Key': 'k1', 'If-Match': '"1"' })
      const first = await fetch(`${server.url}/todos/a`, patch)
      const second = await fetch(`${server.url}/todos/a`, patch)

      expect(first.status).toBe(200)
      expect(second.status).toBe(200)
      expect(await second.json()).toEqual(await first.json())
      expect(server.records('todos')).toEqual([{ id: 'a', title: 'y', version: 2 }])
      expect(server.requestCount()).toBe(3)
    }))

  it('answers a stale If-Match with 412 and a second create with 409, each with the current record', () =>
    withServer(async (server) => {
      await fetch(`${server.url}/todos`, json('POST', { id: 'a', title: 'x' }))
      await fetch(`${server.url}/todos/a`, json('PATCH', { title: 'y' }))

      const stale = await fetch(`${server.url}/todos/a`, json('PATCH', { title: 'z' }, { 'If-Match': '"1"' }))
      const again = await fetch(`${server.url}/todos`, json('POST', { id: 'a', title: 'x' }))
      const missing = await fetch(`${server.url}/todos/b`, { method: 'DELETE' })

      expect(stale.status).toBe(412)
      expect(await stale.json()).toEqual({ id: 'a', title: 'y', version: 2 })
      expect(again.status).toBe(409)
      expect(await again.json()).toEqual({ id: 'a', title: 'y', version: 2 })
      expect(missing.status).toBe(404)
    }))

  it('fails the requested number of requests without applying them', () =>
    withServer(async (server) => {
      server.failNext(1, 503)
      const failed = await fetch(`${server.url}/todos`, json('POST', { id: 'a', title: 'x' }))
      const list = await fetch(`${server.url}/todos`)

      expect(failed.status).toBe(503)
      expect(await list.json()).toEqual([])
      expect(server.requests().map((request) => request.injected)).toEqual([true, false])
    }))
})
