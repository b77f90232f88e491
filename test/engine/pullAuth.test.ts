import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { SyncHttpError } from '../../src/core/errors'
import { createPullScript } from '../support/pullScript'
import { createScriptedAdapter } from '../support/scriptedAdapter'
import { createTestStore } from '../support/testStore'
import { advance } from '../support/driver'

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 })
})
afterEach(() => {
  vi.useRealTimers()
})

describe('a pull answered 401 or 403', () => {
  it.each([401, 403])('%i asks for credentials as a push does, and pulls again once they come', async (status) => {
    const pulls = createPullScript()
    pulls.setIdle(false)
    const asked: unknown[] = []
    let answerAuth: (restored: boolean) => void = () => {}
    const t = createTestStore(
      { ...createScriptedAdapter().adapter, pull: pulls.pull },
      {
        now: () => Date.now(),
        pullIntervalMs: 0,
        onAuthError: (error) => {
          asked.push(error)
          return new Promise<boolean>((resolve) => (answerAuth = resolve))
        },
      },
    )
    await advance()
    pulls.fail(new SyncHttpError(status, `GET /todos failed with ${status}`))
    await advance()
    expect(asked).toEqual([expect.objectContaining({ status })])
    expect(t.status()).toMatchObject({ phase: 'auth-required' })
    answerAuth(true)
    await advance()
    expect(pulls.waitingCount()).toBe(1)
    pulls.answer({ changes: [{ id: 'x', record: { id: 'x', title: 'X', done: false, version: 1 } }], cursor: 'c1', hasMore: false })
    await advance()
    expect(t.view()).toEqual([{ id: 'x', title: 'X', done: false, version: 1 }])
    expect(t.status()).toMatchObject({ phase: 'idle' })
    t.sync.stop()
  })

  it('without onAuthError waits for resume() instead of backing off forever', async () => {
    const pulls = createPullScript()
    pulls.setIdle(false)
    const t = createTestStore({ ...createScriptedAdapter().adapter, pull: pulls.pull }, { now: () => Date.now(), pullIntervalMs: 0 })
    await advance()
    pulls.fail(new SyncHttpError(401, 'GET /todos failed with 401'))
    await advance()
    expect(t.status()).toMatchObject({ phase: 'auth-required' })
    await vi.advanceTimersByTimeAsync(600_000)
    expect(pulls.calls).toHaveLength(1)
    t.store.dispatch(t.sync.actions.resume())
    await advance()
    expect(pulls.calls).toHaveLength(2)
    t.sync.stop()
  })
})
