// @vitest-environment jsdom
import { act, cleanup, screen } from '@testing-library/react'
import { SyncStatusBanner } from 'rtk-offline/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ok, reject, retry } from '../support/scriptedAdapter'
import { createSyncStore, renderCounter, step, todo } from './renderWithSync'

const T0 = 1_000_000
const stops: Array<() => void> = []
beforeEach(() => {
  vi.useFakeTimers({ now: T0 })
})
afterEach(() => {
  cleanup()
  for (const stop of stops.splice(0)) stop()
  vi.useRealTimers()
})

function setup(options: Parameters<typeof createSyncStore>[0] = {}) {
  const t = createSyncStore(options)
  stops.push(() => t.sync.stop())
  return t
}

const banner = () => screen.getByRole('status')
const advance = (ms: number) => act(() => vi.advanceTimersByTimeAsync(ms))

describe('SyncStatusBanner', () => {
  it('is a polite live region, present and empty while everything is synced', () => {
    const { render } = setup()
    render(<SyncStatusBanner className="banner" />)
    expect(banner().getAttribute('aria-live')).toBe('polite')
    expect(banner().getAttribute('aria-atomic')).toBe('true')
    expect(banner().className).toBe('banner')
    expect(banner().dataset.phase).toBe('idle')
    expect(banner().textContent).toBe('')
  })

  it('says offline with the number pending, then syncing, then clears', async () => {
    const { store, todos, network, scripted, render } = setup({ online: false })
    render(<SyncStatusBanner />)
    expect(banner().textContent).toBe('Offline')

    await step(() => store.dispatch(todos.actions.addedMany([todo('a'), todo('b'), todo('c')])))
    expect(banner().textContent).toBe('Offline · 3 pending')
    expect(banner().dataset.phase).toBe('offline')

    await step(() => network.setOnline(true))
    expect(banner().textContent).toBe('Syncing · 3 pending')

    await step(() => scripted.answer(() => ok()))
    expect(banner().textContent).toBe('')
  })

  it('counts failures and conflicts', async () => {
    const { store, todos, scripted, render } = setup({ conflict: 'manual' })
    render(<SyncStatusBanner />)
    scripted.autoRespond((op) =>
      op.recordId === 'a' ? reject() : { type: 'conflict', remote: { id: String(op.recordId), title: 'theirs', done: false } },
    )
    await step(() => store.dispatch(todos.actions.addedMany([todo('a'), todo('b'), todo('c')])))
    expect(banner().textContent).toBe('1 failed · 2 conflicts')
    expect(
      [...banner().querySelectorAll('[data-part]')].map((part) => [part.getAttribute('data-part'), part.textContent]),
    ).toEqual([
      ['failed', '1 failed'],
      ['conflicts', '2 conflicts'],
    ])
  })

  it('counts down to the retry a Retry-After asked for, then clears once the server takes the change', async () => {
    const { store, todos, scripted, render } = setup()
    render(<SyncStatusBanner />)
    scripted.autoRespond(() => retry(5000))
    await step(() => store.dispatch(todos.actions.added(todo('a'))))
    expect(banner().textContent).toBe('Waiting to retry · 1 pending · retry in 5 s')

    await advance(1000)
    expect(banner().textContent).toBe('Waiting to retry · 1 pending · retry in 4 s')
    await advance(2500)
    expect(banner().textContent).toBe('Waiting to retry · 1 pending · retry in 2 s')

    scripted.autoRespond(() => ok())
    await advance(1500)
    expect(banner().textContent).toBe('')
    expect(scripted.calls).toHaveLength(2)
  })

  it('shows an open circuit with its cool-down counting down, the countdown kept out of announcements', async () => {
    const { store, todos, scripted, render } = setup({ circuitBreaker: { failureThreshold: 1, cooldownMs: 30_000 } })
    render(<SyncStatusBanner />)
    scripted.autoRespond(() => retry())
    await step(() => store.dispatch(todos.actions.added(todo('a'))))
    expect(banner().dataset.phase).toBe('circuit-open')
    expect(banner().textContent).toBe('Server unavailable · 1 pending · retry in 30 s')
    const countdown = banner().querySelector('[data-part="countdown"]')!
    expect(countdown.getAttribute('aria-live')).toBe('off')

    await advance(10_000)
    expect(banner().textContent).toBe('Server unavailable · 1 pending · retry in 20 s')

    scripted.autoRespond(() => ok())
    await advance(20_000)
    expect(banner().textContent).toBe('')
  })

  it('renders once per second while counting, and not at all while idle', async () => {
    const { store, todos, scripted, typeNote, render } = setup()
    const counter = renderCounter()
    render(
      <SyncStatusBanner>
        {({ message }) => {
          counter.count()
          return message
        }}
      </SyncStatusBanner>,
    )
    await advance(10_000)
    await step(() => store.dispatch(typeNote('x')))
    expect(counter.renders).toBe(1)

    scripted.autoRespond(() => retry(3000))
    await step(() => store.dispatch(todos.actions.added(todo('a'))))
    const before = counter.renders
    await advance(1000)
    await advance(1000)
    expect(counter.renders).toBe(before + 2)
    expect(banner().textContent).toBe('Waiting to retry · 1 pending · retry in 1 s')
  })

  it('hands a render function the status, the conflicts, the countdown and the message', async () => {
    const { store, todos, render } = setup({ online: false })
    render(
      <SyncStatusBanner>
        {({ status, retryInSeconds, conflicts, message }) =>
          status.phase === 'offline' ? `You are offline; ${status.pending} changes are kept. (${message}, ${conflicts.length}, ${String(retryInSeconds)})` : message
        }
      </SyncStatusBanner>,
    )
    await step(() => store.dispatch(todos.actions.added(todo('a'))))
    expect(banner().textContent).toBe('You are offline; 1 changes are kept. (Offline · 1 pending, 0, null)')
  })

  it('takes an injected clock for the countdown', async () => {
    const { store, todos, scripted, render } = setup()
    scripted.autoRespond(() => retry(60_000))
    render(<SyncStatusBanner now={() => T0 + 45_000} />)
    await step(() => store.dispatch(todos.actions.added(todo('a'))))
    expect(banner().textContent).toBe('Waiting to retry · 1 pending · retry in 15 s')
  })
})
