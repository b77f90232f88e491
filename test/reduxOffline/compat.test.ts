import { describe, expect, it, vi } from 'vitest'
import { createSyncedEntity, type SyncAdapter } from '../../src'
import { DEFAULT_COMMIT, DEFAULT_ROLLBACK, type EffectRunner } from '../../src/reduxOffline'
import { createManualTimers } from '../support/manualTimers'
import { addTodo, loadCompatPage } from './page'

/** An HTTP error as redux-offline's default effect rejects with (NetworkError: `status`, `response`). */
class NetworkError extends Error {
  constructor(
    readonly response: unknown,
    readonly status: number,
  ) {
    super(`HTTP ${status}`)
  }
}

/** Moves the manual clock to the next retry time (no further: a request in flight would time out). */
function untilRetry(page: ReturnType<typeof loadCompatPage>, clock: ReturnType<typeof createManualTimers>) {
  clock.advance(page.status().nextAttemptAt! - clock.now())
}

/** An effect runner whose answers the test gives, one call at a time, logging what it was asked. */
function scriptedEffect() {
  const calls: Array<{ effect: unknown; type: string; key: string; retries: number }> = []
  const answers: Array<(settle: { ok: unknown } | { error: unknown }) => void> = []
  const effect: EffectRunner = (effect, action, context) => {
    calls.push({ effect, type: action.type, key: context.idempotencyKey, retries: context.retries })
    return new Promise((resolve, reject) => answers.push((settle) => ('ok' in settle ? resolve(settle.ok) : reject(settle.error))))
  }
  return {
    effect,
    calls,
    /** Answers the oldest unanswered call. */
    async answer(settle: { ok: unknown } | { error: unknown }) {
      await vi.waitFor(() => expect(answers.length).toBeGreaterThan(0))
      answers.shift()!(settle)
    },
  }
}

describe('createReduxOffline: redux-offline actions on the outbox', () => {
  it('applies the action to the app at once, runs its effect with the operation id as idempotency key, then dispatches the commit with the result', async () => {
    const effect = scriptedEffect()
    const page = loadCompatPage({ effect: effect.effect })
    page.store.dispatch(addTodo('a', 'Buy milk'))
    expect(page.todos()).toEqual([{ id: 'a', title: 'Buy milk', synced: false }])
    expect(page.outbox()).toEqual([addTodo('a', 'Buy milk')])
    expect(page.status().pending).toBe(1)
    expect(effect.calls).toEqual([])

    page.network.setOnline(true)
    await effect.answer({ ok: { id: 'a', createdAt: 5 } })
    await vi.waitFor(() => expect(page.status().pending).toBe(0))
    expect(effect.calls).toEqual([{ effect: addTodo('a', 'Buy milk').meta.offline.effect, type: 'ADD_TODO', key: page.opId(1), retries: 0 }])
    expect(page.appActions()).toEqual([
      addTodo('a', 'Buy milk'),
      { type: 'ADD_TODO_COMMIT', payload: { id: 'a', createdAt: 5 }, meta: { id: 'a', success: true, completed: true } },
    ])
    expect(page.todos()).toEqual([{ id: 'a', title: 'Buy milk', synced: true }])
    expect(page.outbox()).toEqual([])
    // The done action is dropped from the queue's view as well: the queue holds only work to do.
    expect((page.store.getState().reduxOffline as { ids: unknown[] }).ids).toEqual([])
    page.sync.stop()
  })

  it('dispatches redux-offline\'s default commit and rollback, carrying the queued action, when the action names none', async () => {
    const effect = scriptedEffect()
    const page = loadCompatPage({ effect: effect.effect, online: true })
    const bare = (id: string) => ({ type: 'PING', payload: { id }, meta: { offline: { effect: { url: `/ping/${id}` } } } })
    page.store.dispatch(bare('1'))
    await effect.answer({ ok: 'pong' })
    await vi.waitFor(() => expect(page.status().pending).toBe(0))
    page.store.dispatch(bare('2'))
    const refused = new NetworkError({ reason: 'no' }, 422)
    await effect.answer({ error: refused })
    await vi.waitFor(() => expect(page.status().failed).toBe(1))
    expect(page.appActions().slice(1)).toEqual([
      { type: DEFAULT_COMMIT, payload: 'pong', meta: { offlineAction: bare('1'), success: true, completed: true } },
      bare('2'),
      { type: DEFAULT_ROLLBACK, payload: refused, meta: { offlineAction: bare('2'), success: false, completed: true } },
    ])
    page.sync.stop()
  })

  it('runs effects one at a time, in the order the actions were dispatched, as redux-offline does', async () => {
    const log: string[] = []
    const releases: Array<() => void> = []
    const page = loadCompatPage({
      online: false,
      effect: (effect) => {
        const name = (effect as { url: string }).url
        log.push(`start ${name}`)
        return new Promise((resolve) =>
          releases.push(() => {
            log.push(`finish ${name}`)
            resolve(null)
          }),
        )
      },
    })
    for (const id of ['a', 'b', 'c']) page.store.dispatch({ type: 'SAVE', meta: { offline: { effect: { url: id } } } })
    page.network.setOnline(true)
    for (let i = 0; i < 3; i++) {
      await vi.waitFor(() => expect(releases.length).toBe(1))
      releases.shift()!()
    }
    await vi.waitFor(() => expect(page.status().pending).toBe(0))
    expect(log).toEqual(['start a', 'finish a', 'start b', 'finish b', 'start c', 'finish c'])
    page.sync.stop()
  })

  it('an action dispatched while the one before it is answered but not yet settled runs at once, not after a wait', async () => {
    // Manual timers that never move: any wait (a retry, a backoff) would stall the test.
    const clock = createManualTimers()
    const calls: string[] = []
    const page = loadCompatPage({
      online: true,
      sync: { timers: clock.timers, now: clock.now },
      effect: async (effect) => {
        calls.push((effect as { url: string }).url)
        return null
      },
    })
    for (const id of ['a', 'b', 'c']) {
      page.store.dispatch({ type: 'SAVE', meta: { offline: { effect: { url: id } } } })
      await vi.waitFor(() => expect(calls.at(-1)).toBe(id))
    }
    await vi.waitFor(() => expect(page.status().pending).toBe(0))
    expect(calls).toEqual(['a', 'b', 'c'])
    expect(page.status().lastError).toBeNull()
    page.sync.stop()
  })

  it('an action is not held back by an earlier one whose answer the engine holds to settle later (large stores)', async () => {
    // A clock that moves at every look makes each settle cost time, so the engine holds confirmations
    // while it sends the next batch (heldAnswers); the earlier action then looks queued, but is done.
    let tick = 0
    const calls: string[] = []
    const page = loadCompatPage({
      online: true,
      sync: { now: () => ++tick },
      effect: async (effect) => {
        calls.push((effect as { url: string }).url)
        return null
      },
    })
    for (const id of ['a', 'b', 'c', 'd']) {
      page.store.dispatch({ type: 'SAVE', meta: { offline: { effect: { url: id } } } })
      await vi.waitFor(() => expect(calls.at(-1)).toBe(id))
    }
    await vi.waitFor(() => expect(page.status().pending).toBe(0))
    expect(page.status().lastError).toBeNull()
    expect(page.appActions().filter((action) => action.type === DEFAULT_COMMIT)).toHaveLength(4)
    page.sync.stop()
  })

  it('gives up a 4xx (rollback, listed as failed, the next action runs) and tries a 5xx again after a backoff, holding back the actions behind it', async () => {
    const clock = createManualTimers()
    const effect = scriptedEffect()
    const page = loadCompatPage({ effect: effect.effect, online: true, sync: { timers: clock.timers, now: clock.now } })
    page.store.dispatch(addTodo('a', 'Refused'))
    page.store.dispatch(addTodo('b', 'Flaky'))
    page.store.dispatch(addTodo('c', 'Fine'))
    await effect.answer({ error: new NetworkError('bad', 400) })
    await effect.answer({ error: new NetworkError('down', 503) })
    await vi.waitFor(() => expect(page.status().phase).toBe('backoff'))
    // 'c' waits behind 'b': its effect has not run.
    expect(effect.calls.map((call) => call.effect)).toEqual([addTodo('a', 'Refused').meta.offline.effect, addTodo('b', 'Flaky').meta.offline.effect])
    expect(page.todos().map((todo) => todo.id)).toEqual(['b', 'c'])
    expect(page.sync.selectors.selectFailed(page.store.getState()).map((op) => op.lastError?.status)).toEqual([400])

    untilRetry(page, clock)
    await effect.answer({ ok: { id: 'b' } })
    await effect.answer({ ok: { id: 'c' } })
    await vi.waitFor(() => expect(page.status().pending).toBe(0))
    expect(effect.calls.map((call) => [call.type, call.key, call.retries])).toEqual([
      ['ADD_TODO', page.opId(1), 0],
      ['ADD_TODO', page.opId(2), 0],
      ['ADD_TODO', page.opId(2), 1],
      ['ADD_TODO', page.opId(3), 1],
    ])
    expect(page.appActions().filter((action) => action.type !== 'ADD_TODO').map((action) => `${action.type} ${(action.meta as { id: string }).id}`)).toEqual([
      'ADD_TODO_ROLLBACK a',
      'ADD_TODO_COMMIT b',
      'ADD_TODO_COMMIT c',
    ])
    expect(page.todos()).toEqual([
      { id: 'b', title: 'Flaky', synced: true },
      { id: 'c', title: 'Fine', synced: true },
    ])
    page.sync.stop()
  })

  it("asks the app's discard, with the error, the action and the retries so far, and obeys it", async () => {
    const clock = createManualTimers()
    const effect = scriptedEffect()
    const asked: unknown[] = []
    const page = loadCompatPage({
      effect: effect.effect,
      online: true,
      sync: { timers: clock.timers, now: clock.now },
      // Gives up on the third failure, whatever the status.
      discard: (error, action, retries) => {
        asked.push([(error as NetworkError).status, action.type, retries])
        return retries >= 2
      },
    })
    page.store.dispatch(addTodo('a', 'Doomed'))
    for (let attempt = 0; attempt < 3; attempt++) {
      await effect.answer({ error: new NetworkError('nope', 400) })
      if (attempt < 2) {
        await vi.waitFor(() => expect(page.status().phase).toBe('backoff'))
        untilRetry(page, clock)
      }
    }
    await vi.waitFor(() => expect(page.status().failed).toBe(1))
    expect(asked).toEqual([
      [400, 'ADD_TODO', 0],
      [400, 'ADD_TODO', 1],
      [400, 'ADD_TODO', 2],
    ])
    expect(page.todos()).toEqual([])
    page.sync.stop()
  })

  it('a network error without a status is tried again, never dropped (redux-offline would discard it)', async () => {
    const clock = createManualTimers()
    const effect = scriptedEffect()
    const page = loadCompatPage({ effect: effect.effect, online: true, sync: { timers: clock.timers, now: clock.now } })
    page.store.dispatch(addTodo('a', 'Kept'))
    await effect.answer({ error: new TypeError('Failed to fetch') })
    await vi.waitFor(() => expect(page.status().phase).toBe('backoff'))
    expect(page.status().lastError).toMatchObject({ message: 'Failed to fetch' })
    untilRetry(page, clock)
    await effect.answer({ ok: null })
    await vi.waitFor(() => expect(page.todos()).toEqual([{ id: 'a', title: 'Kept', synced: true }]))
    page.sync.stop()
  })

  it('a 401 pauses sending and asks for credentials; the action runs again once they are back', async () => {
    const effect = scriptedEffect()
    let refreshed = 0
    const page = loadCompatPage({ effect: effect.effect, online: true, sync: { onAuthError: () => (refreshed++, true) } })
    page.store.dispatch(addTodo('a', 'Secret'))
    await effect.answer({ error: new NetworkError('who?', 401) })
    await effect.answer({ ok: { id: 'a' } })
    await vi.waitFor(() => expect(page.status().pending).toBe(0))
    expect(refreshed).toBe(1)
    expect(effect.calls.map((call) => call.key)).toEqual([page.opId(1), page.opId(1)])
    expect(page.todos()).toEqual([{ id: 'a', title: 'Secret', synced: true }])
    page.sync.stop()
  })

  it("sends synced entities' operations to the app's adapter and only the queued actions to the effect runner", async () => {
    const notes = createSyncedEntity<{ id: string; text: string }>({ name: 'notes', pull: false })
    const pushed: string[] = []
    const adapter: SyncAdapter = {
      push: async (operations) => {
        pushed.push(...operations.map((op) => `${op.entity}/${String(op.recordId)}`))
        return operations.map(() => ({ type: 'ok' }))
      },
    }
    const effect = scriptedEffect()
    const page = loadCompatPage({ effect: effect.effect, adapter, entities: [notes], reducers: { notes: notes.reducer as never } })
    page.store.dispatch(notes.actions.added({ id: 'n1', text: 'hi' }))
    page.store.dispatch(addTodo('a', 'Both'))
    page.network.setOnline(true)
    await effect.answer({ ok: null })
    await vi.waitFor(() => expect(page.status().pending).toBe(0))
    expect(pushed).toEqual(['notes/n1'])
    expect(effect.calls.map((call) => call.type)).toEqual(['ADD_TODO'])
    page.sync.stop()
  })

  it('refuses an action that cannot be queued (not serialisable): neither queued nor applied', () => {
    const page = loadCompatPage({ effect: async () => null })
    expect(() => page.store.dispatch({ type: 'ADD_TODO', payload: { id: 'x', title: 'bad', synced: false, at: new Date() }, meta: { offline: { effect: {} } } })).toThrow()
    expect(page.todos()).toEqual([])
    expect(page.outbox()).toEqual([])
  })
})
