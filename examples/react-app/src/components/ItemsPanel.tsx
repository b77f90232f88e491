import { useState, type FormEvent } from 'react'
import { PendingBadge } from 'rtk-offline/react'
import { useAppDispatch, useAppSelector } from '../hooks'
import type { Item } from '../model'
import { items, sync } from '../store'
import { Field } from './Field'
import { QuantityStepper } from './QuantityStepper'

function NewItemForm() {
  const dispatch = useAppDispatch()
  const [name, setName] = useState('')
  const [quantity, setQuantity] = useState('1')
  const submit = (event: FormEvent) => {
    event.preventDefault()
    const trimmed = name.trim()
    if (trimmed === '') return
    dispatch(items.actions.added({ id: crypto.randomUUID(), name: trimmed, quantity: Math.max(0, Number(quantity) || 0) }))
    setName('')
    setQuantity('1')
  }
  return (
    <form className="inline-form" onSubmit={submit} aria-label="New item">
      <Field label="Name">
        {(id) => <input id={id} value={name} onChange={(event) => setName(event.target.value)} required />}
      </Field>
      <Field label="Quantity">
        {(id) => (
          <input id={id} type="number" min={0} value={quantity} onChange={(event) => setQuantity(event.target.value)} />
        )}
      </Field>
      <button type="submit">Add item</button>
    </form>
  )
}

function ItemRow({ item }: { item: Item }) {
  const dispatch = useAppDispatch()
  const [draft, setDraft] = useState<string | null>(null)
  const save = (event: FormEvent) => {
    event.preventDefault()
    const name = draft?.trim()
    if (name) dispatch(items.actions.updated({ id: item.id, changes: { name } }))
    setDraft(null)
  }
  return (
    <li className="row">
      {draft === null ? (
        <>
          <span className="row-name">{item.name}</span>
          <PendingBadge entity="items" id={item.id} className="badge" />
          <QuantityStepper
            label={item.name}
            value={item.quantity}
            onChange={(quantity) => dispatch(items.actions.updated({ id: item.id, changes: { quantity } }))}
          />
          <span className="row-actions">
            <button type="button" onClick={() => setDraft(item.name)} aria-label={`Rename ${item.name}`}>
              Rename
            </button>
            <button type="button" onClick={() => dispatch(items.actions.removed(item.id))} aria-label={`Delete ${item.name}`}>
              Delete
            </button>
          </span>
        </>
      ) : (
        <form className="inline-form" onSubmit={save} aria-label={`Rename ${item.name}`}>
          <Field label="New name">
            {(id) => <input id={id} autoFocus value={draft} onChange={(event) => setDraft(event.target.value)} />}
          </Field>
          <button type="submit">Save</button>
          <button type="button" onClick={() => setDraft(null)}>
            Cancel
          </button>
        </form>
      )}
    </li>
  )
}

/**
 * What the list says when it is empty: until the first pull of items has finished (no cursor yet),
 * the server may well hold some, so "Loading…" rather than "No items yet".
 */
function EmptyItems() {
  const pulled = useAppSelector((state) => sync.selectors.selectPullProgress(state).entities.items)
  if (pulled?.cursor == null) {
    return (
      <p className="empty">
        {pulled?.status === 'error' ? 'Could not load items from the server yet; trying again.' : 'Loading…'}
      </p>
    )
  }
  return <p className="empty">No items yet.</p>
}

/** Stock items: add, rename, change quantities, delete. */
export function ItemsPanel() {
  const all = useAppSelector(items.selectors.selectAll)
  return (
    <section className="panel" aria-labelledby="items-heading">
      <h2 id="items-heading" tabIndex={-1}>Items</h2>
      <NewItemForm />
      {all.length === 0 ? (
        <EmptyItems />
      ) : (
        <ul className="rows" aria-label="Items">
          {all.map((item) => (
            <ItemRow key={item.id} item={item} />
          ))}
        </ul>
      )}
    </section>
  )
}
