import type { Operation } from 'rtk-offline'
import { useFailed, useSyncActions } from 'rtk-offline/react'
import { shallowEqual } from 'react-redux'
import { useAppSelector } from '../hooks'
import { items, orders } from '../store'

const verb = { create: 'New', update: 'Change to', delete: 'Deletion of' } as const

function FailureRow({ op }: { op: Operation }) {
  const { retryFailed, discardFailed } = useSyncActions()
  // The change was rolled back: name the record from the view, or from the change when it was a create.
  // `label` reads in the sentence ('item "Rope"'), `name` in the buttons ("Retry Rope").
  const { label, name } = useAppSelector((state) => {
    if (op.entity === 'items') {
      const itemName = items.selectors.selectById(state, op.recordId)?.name ?? op.data?.name
      return typeof itemName === 'string' ? { label: `item "${itemName}"`, name: itemName } : { label: 'item', name: 'the item' }
    }
    const customer = orders.selectors.selectById(state, op.recordId)?.customer ?? op.data?.customer
    return typeof customer === 'string'
      ? { label: `order for ${customer}`, name: `the order for ${customer}` }
      : { label: 'order', name: 'the order' }
  }, shallowEqual)
  return (
    <li className="row">
      <span className="row-name">
        {verb[op.kind]} {label}: {op.lastError?.message ?? 'refused by the server'}
      </span>
      <span className="row-actions">
        {/* Named after the row ("Retry Rope"), so a list of Retry buttons can be told apart by ear. */}
        <button type="button" aria-label={`Retry ${name}`} onClick={() => retryFailed([op.id])}>
          Retry
        </button>
        <button type="button" aria-label={`Discard ${name}`} onClick={() => discardFailed([op.id])}>
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
