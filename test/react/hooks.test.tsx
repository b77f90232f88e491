// @vitest-environment jsdom
import { cleanup, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it } from 'vitest'
import {
  useConflicts,
  useFailed,
  useIsPending,
  usePendingCount,
  usePullProgress,
  useSyncActions,
  useSyncProgress,
  useSyncStatus,
} from 'rtk-offline/react'
import { ok, reject, retry } from '../support/scriptedAdapter'
import { pulledPage, pullStarted } from '../../src/slices/actions'
import { createSyncStore, renderCounter, step, todo } from './renderWithSync'

const stops: Array<() => void> = []
afterEach(() => {
  cleanup()
  for (const stop of stops.splice(0)) stop()
})

function setup(options: Parameters<typeof createSyncStore>[0] = {}) {
  const t = createSyncStore(options)
  stops.push(() => t.sync.stop())
  return t
}

function Status() {
  const { phase, pending, inflight, failed } = useSyncStatus()
  return <p>{`${phase}: ${pending} pending, ${inflight} sending, ${failed} failed`}</p>
}

describe('useSyncStatus', () => {
  it('shows the phase and counts as changes are made offline, sent and confirmed', async () => {
    const { store, todos, network, scripted, render } = setup({ online: false })
    render(<Status />)
    expect(screen.getByText('offline: 0 pending, 0 sending, 0 failed')).toBeTruthy()

    await step(() => store.dispatch(todos.actions.addedMany([todo('a'), todo('b')])))
    expect(screen.getByText('offline: 2 pending, 0 sending, 0 failed')).toBeTruthy()

    await step(() => network.setOnline(true))
    expect(screen.getByText('syncing: 2 pending, 2 sending, 0 failed')).toBeTruthy()

    await step(() => scripted.answer(() => ok()))
    expect(screen.getByText('idle: 0 pending, 0 sending, 0 failed')).toBeTruthy()
  })

  it('re-renders only when the status changes, not when unrelated state does', async () => {
    const { store, todos, typeNote, scripted, render } = setup()
    const counter = renderCounter()
    function Counted() {
      counter.count()
      return <Status />
    }
    render(<Counted />)
    expect(counter.renders).toBe(1)

    await step(() => store.dispatch(typeNote('hello')))
    await step(() => store.dispatch(typeNote('hello again')))
    expect(counter.renders).toBe(1)

    await step(() => store.dispatch(todos.actions.added(todo('a'))))
    expect(screen.getByText('syncing: 1 pending, 1 sending, 0 failed')).toBeTruthy()
    const afterAdd = counter.renders
    await step(() => store.dispatch(typeNote('while sending')))
    expect(counter.renders).toBe(afterAdd)

    await step(() => scripted.answer(() => ok()))
    expect(screen.getByText('idle: 0 pending, 0 sending, 0 failed')).toBeTruthy()
  })
})

describe('usePendingCount', () => {
  it('counts waiting operations in all entities or in one, re-rendering only when the number changes', async () => {
    const { store, todos, network, typeNote, render } = setup({ online: false })
    const counter = renderCounter()
    function Count() {
      counter.count()
      const all = usePendingCount()
      const inTodos = usePendingCount('todos')
      const inOthers = usePendingCount('others')
      return <p>{`${all} / ${inTodos} / ${inOthers}`}</p>
    }
    render(<Count />)
    await step(() => store.dispatch(todos.actions.addedMany([todo('a'), todo('b'), todo('c')])))
    expect(screen.getByText('3 / 3 / 0')).toBeTruthy()
    const renders = counter.renders

    // The status changes (offline, then paused), the counts do not.
    await step(() => store.dispatch(typeNote('x')))
    await step(() => store.dispatch({ type: 'offline/paused' }))
    await step(() => network.setOnline(true))
    expect(counter.renders).toBe(renders)
    // A coalesced change (create + update → create) adds no operation.
    await step(() => store.dispatch(todos.actions.updated({ id: 'a', changes: { done: true } })))
    expect(counter.renders).toBe(renders)
    expect(screen.getByText('3 / 3 / 0')).toBeTruthy()
  })
})

describe('useIsPending', () => {
  it('is true while a record waits for the server and re-renders only when that record changes state', async () => {
    const { store, todos, scripted, render } = setup()
    const counter = renderCounter()
    function Row({ id }: { id: string }) {
      const isPending = useIsPending('todos', id)
      if (id === 'a') counter.count()
      return <li>{`${id}: ${isPending ? 'pending' : 'saved'}`}</li>
    }
    render(
      <ul>
        <Row id="a" />
        <Row id="b" />
      </ul>,
    )
    expect(screen.getByText('a: saved')).toBeTruthy()

    await step(() => store.dispatch(todos.actions.added(todo('a'))))
    expect(screen.getByText('a: pending')).toBeTruthy()
    expect(counter.renders).toBe(2)

    // b is created, sent and confirmed: a's row does not render again.
    scripted.answer(() => ok())
    await step()
    await step(() => store.dispatch(todos.actions.added(todo('b'))))
    expect(screen.getByText('b: pending')).toBeTruthy()
    await step(() => scripted.answer(() => ok()))
    expect(screen.getByText('b: saved')).toBeTruthy()
    expect(screen.getByText('a: saved')).toBeTruthy()
    expect(counter.renders).toBe(3)
  })
})

function Failures() {
  const failed = useFailed()
  const { retryFailed, discardFailed } = useSyncActions()
  return (
    <section>
      <ul aria-label="Not saved">
        {failed.map((op) => (
          <li key={op.id}>
            {`${op.kind} ${String(op.recordId)}: ${op.lastError?.message ?? ''}`}
            <button onClick={() => retryFailed([op.id])}>Retry</button>
            <button onClick={() => discardFailed([op.id])}>Discard</button>
          </li>
        ))}
      </ul>
      <button onClick={() => retryFailed()}>Retry all</button>
    </section>
  )
}

describe('useFailed and useSyncActions', () => {
  it('lists a refused change with its reason; Retry sends it again and it leaves the list once saved', async () => {
    const { store, todos, scripted, render } = setup()
    scripted.autoRespond(() => reject('title is too long'))
    render(<Failures />)
    await step(() => store.dispatch(todos.actions.added(todo('a'))))
    expect(screen.getByRole('listitem').textContent).toContain('create a: title is too long')
    // Rolled back: the record is gone from the view until retried.
    expect(todos.selectors.selectTotal(store.getState())).toBe(0)

    scripted.autoRespond(() => ok())
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }))
    await step()
    expect(screen.queryAllByRole('listitem')).toHaveLength(0)
    expect(todos.selectors.selectIds(store.getState())).toEqual(['a'])
  })

  it('Discard forgets one failure; Retry all retries every one left', async () => {
    const { store, todos, scripted, render } = setup()
    scripted.autoRespond(() => reject())
    render(<Failures />)
    await step(() => store.dispatch(todos.actions.addedMany([todo('a'), todo('b')])))
    expect(screen.getAllByRole('listitem')).toHaveLength(2)

    await userEvent.click(screen.getAllByRole('button', { name: 'Discard' })[0]!)
    expect(screen.getAllByRole('listitem').map((item) => item.textContent)).toEqual([
      'create b: title is requiredRetryDiscard',
    ])

    scripted.autoRespond(() => ok())
    await userEvent.click(screen.getByRole('button', { name: 'Retry all' }))
    await step()
    expect(screen.queryAllByRole('listitem')).toHaveLength(0)
    expect(todos.selectors.selectIds(store.getState())).toEqual(['b'])
  })

  it('does not re-render the list for changes that fail nothing', async () => {
    const { store, todos, typeNote, scripted, render } = setup()
    scripted.autoRespond(() => ok())
    const counter = renderCounter()
    function Counted() {
      counter.count()
      return <Failures />
    }
    render(<Counted />)
    await step(() => store.dispatch(todos.actions.added(todo('a'))))
    await step(() => store.dispatch(typeNote('x')))
    expect(counter.renders).toBe(1)
  })

  it('pause, resume and syncNow steer sending; the actions object is the same on every render', async () => {
    const { store, todos, scripted, render } = setup()
    scripted.autoRespond(() => retry(60_000))
    const seen = new Set<unknown>()
    function Controls() {
      const actions = useSyncActions()
      seen.add(actions)
      return (
        <>
          <Status />
          <button onClick={() => actions.pause()}>Pause</button>
          <button onClick={() => actions.resume()}>Resume</button>
          <button onClick={() => actions.syncNow()}>Sync now</button>
        </>
      )
    }
    render(<Controls />)
    await userEvent.click(screen.getByRole('button', { name: 'Pause' }))
    await step(() => store.dispatch(todos.actions.added(todo('a'))))
    expect(screen.getByText('paused: 1 pending, 0 sending, 0 failed')).toBeTruthy()
    expect(scripted.calls).toHaveLength(0)

    await userEvent.click(screen.getByRole('button', { name: 'Resume' }))
    await step()
    expect(scripted.calls).toHaveLength(1)
    expect(screen.getByText('backoff: 1 pending, 0 sending, 0 failed')).toBeTruthy()

    // Sync now skips the minute-long wait.
    scripted.autoRespond(() => ok())
    await userEvent.click(screen.getByRole('button', { name: 'Sync now' }))
    await step()
    expect(scripted.calls).toHaveLength(2)
    expect(screen.getByText('idle: 0 pending, 0 sending, 0 failed')).toBeTruthy()
    expect(seen.size).toBe(1)
  })
})

describe('useConflicts', () => {
  it('lists a conflict parked for a person until it is resolved, and resolves it with the chosen side', async () => {
    const { store, todos, scripted, render } = setup({ conflict: 'manual' })
    function Conflicts() {
      const conflicts = useConflicts()
      const { resolveConflict } = useSyncActions()
      return (
        <ul aria-label="Conflicts">
          {conflicts.map((conflict) => (
            <li key={conflict.id}>
              {`${String(conflict.recordId)}: ${conflict.fields.join(', ')}; server has "${String(conflict.remote?.title)}"`}
              <button onClick={() => resolveConflict({ id: conflict.id, choose: 'remote' })}>Take theirs</button>
            </li>
          ))}
        </ul>
      )
    }
    render(<Conflicts />)
    scripted.autoRespond(() => ({ type: 'conflict', remote: { id: 'a', title: 'Theirs', done: true, version: 2 } }))
    await step(() => store.dispatch(todos.actions.added(todo('a', 'Mine'))))
    expect(screen.getByRole('listitem').textContent).toContain('a: title, done, version; server has "Theirs"')
    // Parked: the view still shows the local change until a person decides.
    expect(todos.selectors.selectById(store.getState(), 'a')).toMatchObject({ title: 'Mine' })

    await userEvent.click(screen.getByRole('button', { name: 'Take theirs' }))
    expect(screen.queryAllByRole('listitem')).toHaveLength(0)
    expect(todos.selectors.selectById(store.getState(), 'a')).toMatchObject({ title: 'Theirs', version: 2 })
  })
})

describe('usePullProgress', () => {
  it('shows a pull running page by page, and re-renders only when it changes', async () => {
    const { store, render, typeNote } = setup()
    const renders = { count: 0 }
    function Loading() {
      renders.count += 1
      const { active, pages, records } = usePullProgress()
      return <p>{active ? `loading: ${records} records in ${pages} pages` : `loaded ${records}`}</p>
    }
    render(<Loading />)
    expect(screen.getByText('loaded 0')).toBeTruthy()
    await step(() => store.dispatch(pullStarted({ entity: 'todos', at: 1 })))
    await step(() =>
      store.dispatch(pulledPage({ entity: 'todos', changes: [{ id: 'p1', record: { ...todo('p1') } }], cursor: '1', hasMore: true, at: 2 })),
    )
    expect(screen.getByText('loading: 1 records in 1 pages')).toBeTruthy()
    await step(() => store.dispatch(pulledPage({ entity: 'todos', changes: [{ id: 'p2', record: { ...todo('p2') } }], cursor: '2', hasMore: false, at: 3 })))
    expect(screen.getByText('loaded 2')).toBeTruthy()
    const before = renders.count
    await step(() => store.dispatch(typeNote('unrelated state changes')))
    expect(store.getState().notes.text).toBe('unrelated state changes')
    expect(renders.count).toBe(before)
  })
})

describe('useSyncProgress', () => {
  it('counts a run: total grows with new changes, done with each confirmation, and it ends when the outbox empties', async () => {
    const { store, todos, network, scripted, render } = setup({ online: false, batchSize: 1 })
    function Progress() {
      const { isActive, done, total, phase } = useSyncProgress()
      return <p>{isActive ? `${phase}: ${done} of ${total} saved` : 'all saved'}</p>
    }
    render(<Progress />)
    expect(screen.getByText('all saved')).toBeTruthy()

    await step(() => store.dispatch(todos.actions.addedMany([todo('a'), todo('b'), todo('c')])))
    expect(screen.getByText('offline: 0 of 3 saved')).toBeTruthy()

    await step(() => network.setOnline(true))
    await step(() => scripted.answer(() => ok()))
    expect(screen.getByText('syncing: 1 of 3 saved')).toBeTruthy()

    await step(() => store.dispatch(todos.actions.added(todo('d'))))
    expect(screen.getByText('syncing: 1 of 4 saved')).toBeTruthy()

    scripted.autoRespond(() => ok())
    await step(() => scripted.answer(() => ok()))
    expect(screen.getByText('all saved')).toBeTruthy()
  })

  it('re-renders only when its numbers change', async () => {
    const { store, todos, typeNote, render } = setup({ online: false })
    const counter = renderCounter()
    function Progress() {
      counter.count()
      const { done, total } = useSyncProgress()
      return <p>{`${done}/${total}`}</p>
    }
    render(<Progress />)
    await step(() => store.dispatch(todos.actions.added(todo('a'))))
    const renders = counter.renders
    await step(() => store.dispatch(typeNote('x')))
    await step(() => store.dispatch(todos.actions.updated({ id: 'a', changes: { done: true } })))
    expect(counter.renders).toBe(renders)
    expect(screen.getByText('0/1')).toBeTruthy()
  })
})
