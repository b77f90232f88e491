import { useSelector } from 'react-redux'
import type { Operation } from 'rtk-offline'
import { useSyncReader } from './useSyncReader'

/**
 * Operations the server refused for good (or that ran out of attempts), oldest first. Each was rolled
 * back and carries its reason in `lastError`; retry or discard it with {@link useSyncActions}.
 * Re-renders only when the list changes.
 *
 * @example
 * ```tsx
 * function Failures() {
 *   const failed = useFailed()
 *   const { retryFailed, discardFailed } = useSyncActions()
 *   return (
 *     <ul aria-label="Changes not saved">
 *       {failed.map((op) => (
 *         <li key={op.id}>
 *           {op.kind} {op.entity}: {op.lastError?.message}
 *           <button onClick={() => retryFailed([op.id])}>Retry</button>
 *           <button onClick={() => discardFailed([op.id])}>Discard</button>
 *         </li>
 *       ))}
 *     </ul>
 *   )
 * }
 * ```
 */
export function useFailed(): Operation[] {
  const reader = useSyncReader()
  return useSelector((state: unknown) => reader.selectFailed(state))
}
