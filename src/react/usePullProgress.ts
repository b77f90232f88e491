import { useSelector } from 'react-redux'
import type { PullStatus } from 'rtk-offline'
import { useSyncReader } from './useSyncReader'

/**
 * Where pulling remote changes stands, for a progress bar while the first pull runs:
 * `{ active, pages, records, entities }` (per entity: cursor, status, counts, last pull, error).
 * Re-renders only when it changes.
 *
 * @example
 * ```tsx
 * function FirstLoad() {
 *   const { active, records } = usePullProgress()
 *   return active ? <progress aria-label={`Loading: ${records} records so far`} /> : null
 * }
 * ```
 */
export function usePullProgress(): PullStatus {
  const reader = useSyncReader()
  return useSelector((state: unknown) => reader.selectPullProgress(state))
}
