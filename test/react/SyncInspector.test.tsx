// @vitest-environment jsdom
import { cleanup, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { pullNow, syncEvents } from 'rtk-offline'
import { SyncInspector } from 'rtk-offline/react'
import { ok, reject, retry } from '../support/scriptedAdapter'
import { createSyncStore, step, todo } from './renderWithSync'

// 2026-01-01T00:00:00.000Z: the engine's clock, fixed, so times read "00:00:00.000".
const T0 = Date.UTC(2026, 0, 1)
const stops: Array<() => void> = []
afterEach(() => {
  cleanup()
  for (const stop of stops.splice(0)) stop()
})

function setup(options: Parameters<typeof createSyncStore>[0] = {}) {
  const t = createSyncStore({ events: syncEvents, now: () => T0, ...options })
  stops.push(() => t.sync.stop())
  return t
}

const panel = () => screen.getByRole('region', { name: 'Sync inspector' })
const part = (name: RegExp) => screen.getByRole('region', { name })
const items = (region: HTMLElement) => within(region).queryAllByRole('listitem').map((item) => item.textContent)

describe('SyncInspector', () => {
  it('is a landmark with a heading per part, a status live region and named controls, with no CSS', () => {
    const { render } = setup()
    render(<SyncInspector className="inspector" headingLevel={2} />)
    expect(panel().className).toBe('inspector')
    expect(screen.getByRole('heading', { level: 2 }).textContent).toBe('Sync inspector')
    expect(screen.getAllByRole('heading', { level: 3 }).map((heading) => heading.textContent)).toEqual([
      'Queue (0)',
      'Failures (0)',
      'Conflicts (0)',
      'Pulls',
      'Timeline',
    ])
    const status = screen.getByRole('status')
    expect(status.getAttribute('aria-live')).toBe('polite')
    expect(status.textContent).toBe('idle · 0 queued · 0 in flight · 0 failed · 0 conflicts')
    const controls = screen.getByRole('group', { name: 'Sync controls' })
    expect(within(controls).getAllByRole('button').map((button) => button.textContent)).toEqual(['Pause sending', 'Sync now', 'Pull now'])
  })

  it('lists queued changes while offline, then shows them sent and confirmed in the timeline', async () => {
    const { store, todos, network, scripted, sync, render } = setup({ online: false })
    render(<SyncInspector sync={sync} />)
    await step(() => store.dispatch(todos.actions.addedMany([todo('a'), todo('b')])))
    await step(() => store.dispatch(todos.actions.updated({ id: 'a', changes: { done: true } })))
    // Coalesced: a's update merged into its unsent create.
    expect(items(part(/^Queue/))).toEqual(['create todos a · pending', 'create todos b · pending'])
    expect(screen.getByRole('status').textContent).toBe('offline · 2 queued · 0 in flight · 0 failed · 0 conflicts')
    expect(within(part(/^Timeline/)).getByText('No events yet.')).toBeTruthy()

    scripted.autoRespond(() => ok())
    await step(() => network.setOnline(true))
    expect(items(part(/^Queue/))).toEqual([])
    // Newest first.
    expect(items(part(/^Timeline/))).toEqual([
      '00:00:00.000 sending finished: 2 ops in 1 request, 0 ms',
      '00:00:00.000 confirmed create todos b in 0 ms',
      '00:00:00.000 confirmed create todos a in 0 ms',
      '00:00:00.000 request answered (answered): 2 ops in 0 ms',
      '00:00:00.000 sent create todos b (attempt 1)',
      '00:00:00.000 sent create todos a (attempt 1)',
      '00:00:00.000 sending started',
    ])
  })

  it('keeps only the latest maxEvents events', async () => {
    const { store, todos, scripted, sync, render } = setup()
    render(<SyncInspector sync={sync} maxEvents={2} />)
    scripted.autoRespond(() => ok())
    await step(() => store.dispatch(todos.actions.added(todo('a'))))
    expect(items(part(/^Timeline/))).toEqual(['00:00:00.000 sending finished: 1 op in 1 request, 0 ms', '00:00:00.000 confirmed create todos a in 0 ms'])
  })

  it('names the record on each failure button; Discard forgets it, Retry sends it again', async () => {
    const { store, todos, scripted, render } = setup()
    scripted.autoRespond(() => reject('title is too long'))
    render(<SyncInspector />)
    await step(() => store.dispatch(todos.actions.addedMany([todo('a'), todo('b')])))
    expect(items(part(/^Failures/))).toEqual(['create todos a: title is too long Retry Discard', 'create todos b: title is too long Retry Discard'])

    await userEvent.click(screen.getByRole('button', { name: 'Discard create todos a' }))
    expect(items(part(/^Failures/))).toEqual(['create todos b: title is too long Retry Discard'])

    scripted.autoRespond(() => ok())
    await userEvent.click(screen.getByRole('button', { name: 'Retry create todos b' }))
    await step()
    expect(items(part(/^Failures/))).toEqual([])
    expect(todos.selectors.selectIds(store.getState())).toEqual(['b'])
  })

  it('lists open conflicts with the fields in dispute; Take theirs settles one', async () => {
    const { store, todos, scripted, render } = setup({ conflict: 'manual' })
    scripted.autoRespond((op) => ({ type: 'conflict', remote: { id: String(op.recordId), title: 'theirs', done: false } }))
    render(<SyncInspector />)
    await step(() => store.dispatch(todos.actions.added(todo('a'))))
    expect(items(part(/^Conflicts/))).toEqual(['create todos a: title Keep mine Take theirs'])
    expect(screen.getByRole('status').textContent).toBe('idle · 0 queued · 0 in flight · 0 failed · 1 conflict')

    await userEvent.click(screen.getByRole('button', { name: 'Take theirs: create todos a' }))
    await step()
    expect(items(part(/^Conflicts/))).toEqual([])
    expect(todos.selectors.selectById(store.getState(), 'a')).toMatchObject({ title: 'theirs' })
  })

  it('is usable from the keyboard: Tab to Pause sending, Enter pauses, and the button then resumes', async () => {
    const { store, sync, render } = setup()
    render(<SyncInspector />)
    const user = userEvent.setup()
    await user.tab()
    expect(document.activeElement?.textContent).toBe('Pause sending')
    await user.keyboard('{Enter}')
    expect(sync.selectors.selectStatus(store.getState()).phase).toBe('paused')
    expect(screen.getByRole('status').textContent).toMatch(/^paused/)
    expect(document.activeElement?.textContent).toBe('Resume sending')
    await user.keyboard('{Enter}')
    expect(sync.selectors.selectStatus(store.getState()).phase).toBe('idle')
  })

  it('Sync now sends a change waiting out its backoff at once; Pull now asks for a pull', async () => {
    const { store, todos, scripted, render } = setup()
    scripted.autoRespond(() => retry(60_000))
    // Spied before rendering: the components take `dispatch` from the store when they render.
    const dispatch = vi.spyOn(store, 'dispatch')
    render(<SyncInspector />)
    await step(() => store.dispatch(todos.actions.added(todo('a'))))
    expect(scripted.calls).toHaveLength(1)
    expect(items(part(/^Queue/))).toEqual(['create todos a · pending · 1 attempt · next at 00:01:00.000 · HTTP 503'])
    scripted.autoRespond(() => ok())
    await userEvent.click(screen.getByRole('button', { name: 'Sync now' }))
    await step()
    expect(scripted.calls).toHaveLength(2)
    expect(items(part(/^Queue/))).toEqual([])
    await userEvent.click(screen.getByRole('button', { name: 'Pull now' }))
    expect(dispatch).toHaveBeenCalledWith(pullNow())
  })

  it('shows pull progress per entity', async () => {
    const { store, render } = setup()
    const { pulledPage, pullStarted } = await import('../../src/slices/actions')
    render(<SyncInspector />)
    await step(() => {
      store.dispatch(pullStarted({ entity: 'todos', at: T0 }))
      store.dispatch(pulledPage({ entity: 'todos', changes: [{ id: 'r', record: { ...todo('r') } }], cursor: 'c1', hasMore: true, at: T0 }))
    })
    expect(items(part(/^Pulls/))).toEqual(['todos: pulling · 1 page, 1 record · last at 00:00:00.000'])
  })

  it('says how to get a timeline: without an instance, or with its events off', () => {
    const { render } = setup()
    render(<SyncInspector />)
    expect(within(part(/^Timeline/)).getByText('No events: pass the instance as <SyncInspector sync={sync} />.')).toBeTruthy()
    cleanup()
    const off = createSyncStore()
    stops.push(() => off.sync.stop())
    off.render(<SyncInspector sync={off.sync} />)
    expect(within(part(/^Timeline/)).getByText(/events: syncEvents/)).toBeTruthy()
  })
})
