import type { Operation } from 'rtk-offline'
import { useFailed, useSyncActions } from 'rtk-offline/react'
import { useAppSelector } from '../hooks'
import { items, orders } from '../store'

const verb = { create: 'New', update: 'Change to', delete: 'Deletion of' } as const

function FailureRow({ op }: { op: Operation }) {
  const { retryFailed, discardFailed } = useSyncActions()
  // The change was rolled back: name the record from the view, or from the change when it was a create.
  const label = useAppSelector((state) => {
    if (op.entity === 'items') {
      const name = items.selectors.selectById(state, op.recordId)?.name ?? op.data?.name
      return `item${typeof name === 'string' ? ` "${name}"` : ''}`
    }
    const customer = orders.selectors.selectById(state, op.recordId)?.customer ?? op.data?.customer
    return `order${typeof customer === 'string' ? ` for ${customer}` : ''}`
  })
  return (
    <li className="row">
      <span className="row-name">
        {verb[op.kind]} {label}: {op.lastError?.message ?? 'refused by the server'}
      </span>
      <span className="row-actions">
        <button type="button" onClick={() => retryFailed([op.id])}>
          Retry
        </button>
        <button type="button" onClick={() => discardFailed([op.id])}>
          Discard
        </button>
      </span>
    </li>
  )
}

/** Changes the server refused: rolled back, kept here until retried or discarded. */
export function FailuresPanel() {
  const failed = useFailed()
  const { retryFailed, discardFailed } = useSyncActions()
  if (failed.length === 0) return null
  return (
    <section className="panel panel-warning" aria-labelledby="failures-heading">
      <h2 id="failures-heading">Not saved</h2>
      <ul className="rows" aria-label="Changes not saved">
        {failed.map((op) => (
          <FailureRow key={op.id} op={op} />
        ))}
      </ul>
      {failed.length > 1 && (
        <p className="row-actions">
          <button type="button" onClick={() => retryFailed()}>
            Retry all
          </button>
          <button type="button" onClick={() => discardFailed()}>
            Discard all
          </button>
        </p>
      )}
    </section>
  )
}
