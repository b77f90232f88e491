import { useContext, useEffect, useState } from 'react'
import { SyncError } from 'rtk-offline'
import { OfflineSyncContext } from '../OfflineSyncProvider'
import type { SyncEventSource, TimelineEntry } from './types'

/** What the timeline shows: the latest events, newest first, or why there are none to show. */
export interface SyncEventLog {
  entries: TimelineEntry[]
  /** Why no events can be shown (no instance given, or its events are off); null when they are. */
  problem: string | null
}

/**
 * The latest `max` events of an instance, newest first, from `sync.subscribe` (the `sync` given, else the
 * nearest provider's instance). Bounded: older events drop off.
 */
export function useSyncEventLog(sync: SyncEventSource | undefined, max: number): SyncEventLog {
  const provided = useContext(OfflineSyncContext) as Partial<SyncEventSource> | null
  const source = sync ?? (typeof provided?.subscribe === 'function' ? (provided as SyncEventSource) : undefined)
  const [entries, setEntries] = useState<TimelineEntry[]>([])
  const [problem, setProblem] = useState<string | null>(null)
  useEffect(() => {
    if (!source) {
      setProblem('No events: pass the instance as <SyncInspector sync={sync} />.')
      return
    }
    let next = 0
    try {
      setProblem(null)
      return source.subscribe((event) => {
        const key = next++
        setEntries((previous) => [{ key, event }, ...previous].slice(0, max))
      })
    } catch (error) {
      // Events are off (createOfflineSync without `events: syncEvents`): say how to turn them on.
      setProblem(error instanceof SyncError ? error.message : 'No events: this instance cannot be subscribed to.')
      return
    }
  }, [source, max])
  return { entries, problem }
}
