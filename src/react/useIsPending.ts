import { useSelector } from 'react-redux'
import type { EntityId } from 'rtk-offline'
import { useSyncReader } from './useSyncReader'

/**
 * Whether a record has changes the server has not confirmed yet. Re-renders only when that answer
 * changes, not when other records change.
 *
 * @param entity the entity name (`createSyncedEntity({ name })`)
 * @param id the record's id
 * @example
 * ```tsx
 * function ItemRow({ item }: { item: Item }) {
 *   const isPending = useIsPending('items', item.id)
 *   return <li aria-busy={isPending}>{item.name}{isPending && ' (saving…)'}</li>
 * }
 * ```
 */
export function useIsPending(entity: string, id: EntityId): boolean {
  const reader = useSyncReader()
  return useSelector((state: unknown) => reader.selectIsPending(state, entity, id))
}
