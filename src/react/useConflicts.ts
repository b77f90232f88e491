import { useSelector } from 'react-redux'
import type { SyncConflict } from 'rtk-offline'
import { useSyncReader } from './useSyncReader'

/**
 * Conflicts the server reported, oldest first: each with the local change that lost and the server's
 * record. For now the server wins every conflict (its record is in the store already), so this is a
 * list to show and dismiss with `useSyncActions().dismissConflicts`; choosing a side comes with
 * conflict strategies. Re-renders only when the list changes.
 *
 * @example
 * ```tsx
 * function Conflicts() {
 *   const conflicts = useConflicts()
 *   const { dismissConflicts } = useSyncActions()
 *   return (
 *     <ul aria-label="Conflicts">
 *       {conflicts.map((conflict) => (
 *         <li key={conflict.id}>
 *           {conflict.entity} {String(conflict.recordId)} was changed on the server; its version was kept.
 *           <button onClick={() => dismissConflicts([conflict.id])}>OK</button>
 *         </li>
 *       ))}
 *     </ul>
 *   )
 * }
 * ```
 */
export function useConflicts(): SyncConflict[] {
  const reader = useSyncReader()
  return useSelector((state: unknown) => reader.selectConflicts(state))
}
