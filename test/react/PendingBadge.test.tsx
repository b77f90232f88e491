// @vitest-environment jsdom
import { cleanup, screen } from '@testing-library/react'
import { PendingBadge } from 'rtk-offline/react'
import { afterEach, describe, expect, it } from 'vitest'
import { ok } from '../support/scriptedAdapter'
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

describe('PendingBadge', () => {
  it('says "Pending" on a row until the server has its change', async () => {
    const { store, todos, scripted, render } = setup()
    render(
      <ul>
        {['a', 'b'].map((id) => (
          <li key={id}>
            {id} <PendingBadge entity="todos" id={id} className="badge" />
          </li>
        ))}
      </ul>,
    )
    expect(screen.queryByText('Pending')).toBeNull()

    await step(() => store.dispatch(todos.actions.added(todo('a'))))
    const [rowA, rowB] = screen.getAllByRole('listitem')
    expect(rowA!.textContent).toBe('a Pending')
    expect(rowB!.textContent).toBe('b ')
    const badge = screen.getByText('Pending')
    expect(badge.className).toBe('badge')
    expect(badge.dataset.pending).toBe('true')
    expect(badge.title).toBe('Not yet saved to the server')

    await step(() => scripted.answer(() => ok()))
    expect(screen.queryByText('Pending')).toBeNull()
  })

  it('takes its own words, or a function that renders in both states', async () => {
    const { store, todos, scripted, render } = setup()
    render(
      <>
        <PendingBadge entity="todos" id="a">
          Saving…
        </PendingBadge>
        <PendingBadge entity="todos" id="a">
          {(isPending) => (isPending ? 'Not saved yet' : 'Saved')}
        </PendingBadge>
      </>,
    )
    expect(screen.getByText('Saved').dataset.pending).toBe('false')
    await step(() => store.dispatch(todos.actions.added(todo('a'))))
    expect(screen.getByText('Saving…')).toBeTruthy()
    expect(screen.getByText('Not saved yet').dataset.pending).toBe('true')
    await step(() => scripted.answer(() => ok()))
    expect(screen.queryByText('Saving…')).toBeNull()
    expect(screen.getByText('Saved')).toBeTruthy()
  })

  it('does not re-render when other records change', async () => {
    const { store, todos, render } = setup({ online: false })
    const counter = renderCounter()
    render(
      <PendingBadge entity="todos" id="a">
        {(isPending) => {
          counter.count()
          return isPending ? 'Pending' : 'Saved'
        }}
      </PendingBadge>,
    )
    await step(() => store.dispatch(todos.actions.addedMany([todo('b'), todo('c')])))
    await step(() => store.dispatch(todos.actions.updated({ id: 'b', changes: { done: true } })))
    expect(counter.renders).toBe(1)
    await step(() => store.dispatch(todos.actions.added(todo('a'))))
    expect(counter.renders).toBe(2)
  })
})
