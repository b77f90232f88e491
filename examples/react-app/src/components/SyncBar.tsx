import { SyncStatusBanner, useSyncActions, useSyncProgress, useSyncStatus } from 'rtk-offline/react'
import { network } from '../store'
import { PullProgress } from './PullProgress'

/** The offline switch, the status banner, progress of sending and of the first pull, and "Sync now". */
export function SyncBar() {
  const { online, phase } = useSyncStatus()
  const { isActive, done, total } = useSyncProgress()
  const { syncNow, pullNow } = useSyncActions()
  return (
    <div className="sync-bar">
      <button
        type="button"
        role="switch"
        aria-checked={online}
        className="network-switch"
        onClick={() => network.setOnline(!online)}
      >
        <span className="network-switch-track" aria-hidden="true" />
        Online
      </button>
      <SyncStatusBanner className="sync-banner" />
      {isActive && online && total > 1 && (
        <progress className="sync-progress" aria-label="Changes saved" max={total} value={done}>
          {done} of {total}
        </progress>
      )}
      <PullProgress />
      {/* Sends what waits (skipping a backoff wait) and fetches what changed on the server. */}
      <button
        type="button"
        onClick={() => {
          syncNow()
          pullNow()
        }}
        disabled={!online || phase === 'paused'}
      >
        Sync now
      </button>
    </div>
  )
}
