import { useSelector } from 'react-redux'
import type { SyncConflict } from 'rtk-offline'
import { useSyncReader } from './useSyncReader'

/**
 * Conflicts parked for a person (the entity's strategy is `manual`, or a merge could not settle a
 * field), oldest first: each with the base, the local and the remote record and the fields at stake.
 * Settle one with `useSyncActions().resolveConflict`. Re-renders only when the list changes.
 *
 * @example
 * ```tsx
 * function Conflicts() {
 *   const conflicts = useConflicts()
 *   const { resolveConflict } = useSyncActions()
 *   return (
 *     <ul aria-label="Conflicts">
 *       {conflicts.map((conflict) => (
 *         <li key={conflict.id}>
 *           {conflict.fields.join(', ')} changed here and on the server.
 *           <button onClick={() => resolveConflict({ id: conflict.id, choose: 'local' })}>Keep mine</button>
 *           <button onClick={() => resolveConflict({ id: conflict.id, choose: 'remote' })}>Take theirs</button>
 *         </li>
 *       ))}
 *     </ul>
 *   )
 * }
 * ```
 */
export function useConflicts(): SyncConflict[] {
  const reader = useSyncReader()
  return useSelector((state: unknown) => reader.selectOpenConflicts(state))
}
