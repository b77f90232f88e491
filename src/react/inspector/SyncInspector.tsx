import { useId } from 'react'
import { useSyncActions } from '../useSyncActions'
import { useSyncStatus } from '../useSyncStatus'
import { ConflictsSection } from './ConflictsSection'
import { FailuresSection } from './FailuresSection'
import { PullSection } from './PullSection'
import { QueueSection } from './QueueSection'
import { Heading } from './Section'
import { TimelineSection } from './TimelineSection'
import type { SyncInspectorProps } from './types'
import { useSyncEventLog } from './useSyncEventLog'

/**
 * A developer panel for sync: the status (a polite live region), buttons to pause or resume, sync now and
 * pull now, the queue (operations waiting, in flight or parked), failures (retry or discard each), open
 * conflicts (keep mine or take theirs), pull progress per entity, and a timeline of the latest sync events.
 *
 * Unstyled and usable without CSS: a `section` landmark named by its heading, a heading per part, native
 * buttons whose names say which row they act on; `className` on the root and `data-part` on each part for
 * styling. The timeline needs the instance (`sync`, with `events: syncEvents`); the rest reads the store.
 * An app that does not render it does not ship it (the react entry tree-shakes).
 *
 * @example
 * ```tsx
 * const sync = createOfflineSync({ entities: [todos], adapter, events: syncEvents })
 * // …
 * {showInspector && <SyncInspector sync={sync} className="inspector" />}
 * ```
 */
export function SyncInspector({ sync, className, headingLevel = 2, maxEvents = 50, maxOps = 50 }: SyncInspectorProps) {
  const id = useId()
  const status = useSyncStatus()
  const { pause, resume, syncNow, pullNow } = useSyncActions()
  const log = useSyncEventLog(sync, maxEvents)
  const paused = status.phase === 'paused'
  const level = headingLevel + 1
  return (
    <section aria-labelledby={id} className={className} data-part="inspector">
      <Heading level={headingLevel} id={id}>
        Sync inspector
      </Heading>
      <p role="status" aria-live="polite" aria-atomic="true" data-part="status">
        {status.phase} · {status.pending} queued · {status.inflight} in flight · {status.failed} failed · {status.conflicts}{' '}
        {status.conflicts === 1 ? 'conflict' : 'conflicts'}
        {status.lastError && ` · last error: ${status.lastError.message}`}
      </p>
      <div role="group" aria-label="Sync controls" data-part="controls">
        <button type="button" onClick={() => (paused ? resume() : pause())}>
          {paused ? 'Resume sending' : 'Pause sending'}
        </button>{' '}
        <button type="button" onClick={() => syncNow()}>
          Sync now
        </button>{' '}
        <button type="button" onClick={() => pullNow()}>
          Pull now
        </button>
      </div>
      <QueueSection level={level} maxOps={maxOps} />
      <FailuresSection level={level} />
      <ConflictsSection level={level} />
      <PullSection level={level} />
      <TimelineSection level={level} log={log} />
    </section>
  )
}
