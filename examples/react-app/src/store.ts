import { configureStore } from '@reduxjs/toolkit'
import { createOfflineSync, createRestAdapter, createSyncedEntity } from 'rtk-offline'
import { apiBaseUrl, type Item, type Order } from './model'
import { createAppNetwork } from './network'

/** Items go first: orders refer to them. */
export const items = createSyncedEntity<Item>({ name: 'items', priority: 1 })
export const orders = createSyncedEntity<Order>({ name: 'orders' })

export const network = createAppNetwork()

export const sync = createOfflineSync({
  entities: [items, orders],
  adapter: createRestAdapter({ baseUrl: apiBaseUrl }),
  network,
  // Short waits, so the demo shows retries without keeping you waiting.
  retry: { baseDelayMs: 1000, maxDelayMs: 15_000 },
  circuitBreaker: { failureThreshold: 3, cooldownMs: 15_000 },
})

export const store = configureStore({
  reducer: { items: items.reducer, orders: orders.reducer, [sync.reducerPath]: sync.reducer },
  middleware: (getDefault) => getDefault().concat(sync.middleware),
})

export type RootState = ReturnType<typeof store.getState>
export type AppDispatch = typeof store.dispatch
