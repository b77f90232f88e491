import { configureStore } from '@reduxjs/toolkit'
import {
  createOfflineSync,
  createRestAdapter,
  createSyncedEntity,
  createSyncProtocolAdapter,
  mergeFields,
  serverAssignedIds,
  syncEvents,
} from 'rtk-offline'
import { createPersistence } from 'rtk-offline/persist'
import { backendMode } from './backend'
import { deviceToken } from './demoAuth'
import { deviceStorage } from './deviceStorage'
import { apiBaseUrl, type Item, type Order } from './model'
import { createAppNetwork } from './network'

/**
 * Items go first: orders refer to them. A change that meets a newer version on the server is merged
 * field by field against what it was made on: fields changed on one side only are merged for you, and
 * a field changed on both sides (the quantity here and on the server) waits for you in the conflict dialog.
 */
export const items = createSyncedEntity<Item>({ name: 'items', priority: 1, conflict: mergeFields({ fallback: 'manual' }) })
/**
 * Orders are numbered by the server (#1, #2, …): an order placed here has a temporary id (a UUID) until
 * the server confirms it, then moves to the server's number in one step (docs/server-ids.md). Its
 * `itemId` names an item by the item's own id, which the app makes, so it needs no `references`.
 */
export const orders = createSyncedEntity<Order>({ name: 'orders', serverIds: serverAssignedIds() })

export const network = createAppNetwork()

export const sync = createOfflineSync({
  entities: [items, orders],
  // On the sync server: many changes per request, and a poke over Server-Sent Events when another window
  // (or the server panel) changed something, so it shows at once. On the mock: one REST request per change.
  adapter:
    backendMode === 'server'
      ? createSyncProtocolAdapter({ baseUrl: apiBaseUrl, headers: { Authorization: `Bearer ${deviceToken}` }, live: true })
      : createRestAdapter({ baseUrl: apiBaseUrl }),
  network,
  // Up to 100 changes in one request to the sync server (the mock's REST adapter sends one per request anyway).
  batchSize: 100,
  // Short waits, so the demo shows retries without keeping you waiting.
  retry: { baseDelayMs: 1000, maxDelayMs: 15_000 },
  circuitBreaker: { failureThreshold: 3, cooldownMs: 15_000 },
  // Often on the mock, so edits made in the server panel show up within seconds; the sync server pokes instead.
  pullIntervalMs: backendMode === 'server' ? 60_000 : 5000,
  // The outbox and the records survive reloads, shared by the app's tabs (see deviceStorage.ts).
  persist: createPersistence({ storage: deviceStorage }),
  // Sync events, for the inspector's timeline (InspectorToggle.tsx).
  events: syncEvents,
})

export const store = configureStore({
  reducer: { items: items.reducer, orders: orders.reducer, [sync.reducerPath]: sync.reducer },
  middleware: (getDefault) => getDefault().concat(sync.middleware),
})

/** Restores what this device stored, then writes every change; sending and pulling wait for it. */
export const persistor = sync.persist(store)

export type RootState = ReturnType<typeof store.getState>
export type AppDispatch = typeof store.dispatch
