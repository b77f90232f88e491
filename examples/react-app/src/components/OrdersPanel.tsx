import { useState, type FormEvent } from 'react'
import { useStore } from 'react-redux'
import { selectLocalId } from 'rtk-offline'
import { PendingBadge } from 'rtk-offline/react'
import { useAppDispatch, useAppSelector } from '../hooks'
import type { Order } from '../model'
import { items, orders, type RootState } from '../store'
import { Field } from './Field'

function NewOrderForm() {
  const dispatch = useAppDispatch()
  const stock = useAppSelector(items.selectors.selectAll)
  const [itemId, setItemId] = useState('')
  const [customer, setCustomer] = useState('')
  const [quantity, setQuantity] = useState('1')
  const item = stock.find((candidate) => candidate.id === itemId) ?? stock[0]
  const wanted = Math.max(1, Number(quantity) || 1)
  const submit = (event: FormEvent) => {
    event.preventDefault()
    if (!item || customer.trim() === '' || wanted > item.quantity) return
    // Two entities in one gesture: the order is queued, and its quantity leaves the stock.
    dispatch(orders.actions.added({ id: crypto.randomUUID(), itemId: item.id, customer: customer.trim(), quantity: wanted }))
    dispatch(items.actions.updated({ id: item.id, changes: { quantity: item.quantity - wanted } }))
    setCustomer('')
    setQuantity('1')
  }
  if (stock.length === 0) return <p className="empty">Add an item to take orders.</p>
  return (
    <form className="inline-form" onSubmit={submit} aria-label="New order">
      <Field label="Item">
        {(id) => (
          <select id={id} value={item?.id ?? ''} onChange={(event) => setItemId(event.target.value)}>
            {stock.map((candidate) => (
              <option key={candidate.id} value={candidate.id}>
                {candidate.name} ({candidate.quantity} in stock)
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Customer">
        {(id) => <input id={id} value={customer} onChange={(event) => setCustomer(event.target.value)} required />}
      </Field>
      <Field label="Quantity">
        {(id) => (
          <input id={id} type="number" min={1} value={quantity} onChange={(event) => setQuantity(event.target.value)} />
        )}
      </Field>
      <button type="submit" disabled={!item || wanted > item.quantity}>
        Place order
      </button>
    </form>
  )
}

/**
 * The server numbers orders: until it has confirmed one, the order has a temporary id of this device's
 * and no number to show. A record the server has sent or confirmed has a version.
 */
function orderTitle(order: Order): string {
  return order.version === undefined ? 'Order (not sent yet)' : `Order #${order.id}`
}

function OrderRow({ order }: { order: Order }) {
  const dispatch = useAppDispatch()
  const item = useAppSelector((state) => items.selectors.selectById(state, order.itemId))
  const itemName = item?.name ?? 'an item no longer listed'
  return (
    <li className="row">
      <span className="row-name">
        <span className="order-number">{orderTitle(order)}</span> {order.customer}: {order.quantity} × {itemName}
      </span>
      <PendingBadge entity="orders" id={order.id} className="badge" />
      <span className="row-actions">
        <button
          type="button"
          aria-label={`Cancel the order of ${order.customer}`}
          onClick={() => {
            dispatch(orders.actions.removed(order.id))
            if (item) dispatch(items.actions.updated({ id: item.id, changes: { quantity: item.quantity + order.quantity } }))
          }}
        >
          Cancel
        </button>
      </span>
    </li>
  )
}

/** Orders take stock from items; cancelling puts it back. */
export function OrdersPanel() {
  const all = useAppSelector(orders.selectors.selectAll)
  const store = useStore<RootState>()
  // Rows are keyed by the id an order was placed with here, which stays the same when the server's
  // number replaces it (the move and the id pairs come in one action, so this render sees both): React
  // keeps the row instead of mounting a new one. Orders placed elsewhere have only the server's id.
  const keyOf = (id: string) => String(selectLocalId(store.getState(), 'orders', id) ?? id)
  return (
    <section className="panel" aria-labelledby="orders-heading">
      <h2 id="orders-heading">Orders</h2>
      <NewOrderForm />
      {all.length > 0 && (
        <ul className="rows" aria-label="Orders">
          {all.map((order) => (
            <OrderRow key={keyOf(order.id)} order={order} />
          ))}
        </ul>
      )}
    </section>
  )
}
