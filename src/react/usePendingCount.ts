import { useSelector } from 'react-redux'
import { useSyncReader } from './useSyncReader'

/**
 * How many operations wait for the server (waiting or in flight), in all entities or in one.
 * Re-renders only when that number changes.
 *
 * @param entity an entity name (`createSyncedEntity({ name })`); all entities when left out
 * @example
 * ```tsx
 * function OrdersTab() {
 *   const unsaved = usePendingCount('orders')
 *   return <a href="#orders">Orders{unsaved > 0 ? ` (${unsaved} unsaved)` : ''}</a>
 * }
 * ```
 */
export function usePendingCount(entity?: string): number {
  const reader = useSyncReader()
  return useSelector((state: unknown) => reader.selectPendingCount(state, entity))
}
