import { describe, expect, it } from 'vitest'
import { inFlightRequests } from '../../src/middleware/shared/inFlightRequests'
import { serialRun } from '../../src/middleware/shared/serialRun'

function gate() {
  let open: () => void = () => {}
  const promise = new Promise<void>((resolve) => (open = resolve))
  return { promise, open }
}

describe('serialRun', () => {
  it('runs one at a time and merges the asks made meanwhile into one more run', async () => {
    const runs: string[][] = []
    const gates = [gate(), gate()]
    let idle = 0
    const run = serialRun<string[]>(
      async (ask) => {
        runs.push(ask)
        await gates[runs.length - 1]?.promise
      },
      (queued, ask) => [...(queued ?? []), ...ask],
      () => (idle += 1),
    )
    const first = run.ask(['a'])
    expect(await run.ask(['b'])).toBe(false)
    expect(await run.ask(['c'])).toBe(false)
    expect(runs).toEqual([['a']])
    gates[0]!.open()
    gates[1]!.open()
    expect(await first).toBe(true)
    expect(runs).toEqual([['a'], ['b', 'c']])
    expect(idle).toBe(1)
  })

  it('ends a run that throws, tells idle, and runs again on the next ask', async () => {
    let calls = 0
    let idle = 0
    const run = serialRun<true>(
      async () => {
        calls += 1
        if (calls === 1) throw new Error('boom')
      },
      () => true,
      () => (idle += 1),
    )
    await expect(run.ask(true)).rejects.toThrow('boom')
    expect(idle).toBe(1)
    expect(await run.ask(true)).toBe(true)
    expect(calls).toBe(2)
  })
})

describe('inFlightRequests', () => {
  it('holds and aborts the requests in flight, and renews them under a fresh signal', () => {
    const engine = new AbortController()
    const requests = inFlightRequests(engine.signal)
    const first = requests.signal
    requests.hold('Another user signed in')
    expect(first.aborted).toBe(true)
    expect(String(first.reason)).toContain('Another user signed in while the request was in flight')
    expect(requests.held).toBe(true)
    requests.renew('Another user signed in')
    expect(requests.held).toBe(false)
    expect(requests.signal).not.toBe(first)
    expect(requests.signal.aborted).toBe(false)
  })

  it('aborts for good when the engine stops', () => {
    const engine = new AbortController()
    const requests = inFlightRequests(engine.signal)
    const signal = requests.signal
    engine.abort()
    expect(signal.aborted).toBe(true)
    expect(String(signal.reason)).toContain('The sync engine stopped')
    requests.renew('Another user signed in')
    expect(requests.held).toBe(true)
  })
})
