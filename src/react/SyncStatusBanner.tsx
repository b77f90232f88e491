import { Fragment, type ReactNode } from 'react'
import { describeSyncStatus } from './describeSyncStatus'
import type { SyncBannerView } from './types'
import { useConflicts } from './useConflicts'
import { useRetryCountdown } from './useRetryCountdown'
import { useSyncStatus } from './useSyncStatus'

/** Props of {@link SyncStatusBanner}. */
export interface SyncStatusBannerProps {
  /** Class of the banner element. Each piece of the default message is a `span` with `data-part`. */
  className?: string
  /**
   * Renders the banner's content yourself; the banner element (with its live region) stays.
   * @default the pieces of `view.parts` joined with " · "
   */
  children?: (view: SyncBannerView) => ReactNode
  /**
   * The clock for the retry countdown, in epoch milliseconds.
   * @default () => Date.now()
   */
  now?: () => number
}

/**
 * An unstyled status line: "Offline · 3 pending", "Syncing · 2 pending", "Server unavailable · 4 pending ·
 * retry in 12 s", "1 failed · 2 conflicts"; empty when everything is synced.
 *
 * It is a polite live region (`role="status"`, `aria-live="polite"`, `aria-atomic="true"`) that stays in the
 * page while empty, so screen readers announce changes; collapse it with `:empty` (padding, border) rather
 * than `display: none`, which takes a live region out of the page. The countdown
 * piece is `aria-live="off"`: it is read with the rest when something else changes, not every second.
 * `data-phase` holds the phase for styling (`[data-phase="offline"]`).
 *
 * @example
 * ```tsx
 * <SyncStatusBanner className="sync-banner" />
 *
 * // Your own content:
 * <SyncStatusBanner>
 *   {({ status, message }) => (status.phase === 'offline' ? 'You are offline; changes are kept.' : message)}
 * </SyncStatusBanner>
 * ```
 */
export function SyncStatusBanner({ className, children, now }: SyncStatusBannerProps) {
  const status = useSyncStatus()
  const conflicts = useConflicts()
  const waiting = status.phase === 'backoff' || status.phase === 'circuit-open'
  const retryInSeconds = useRetryCountdown(waiting ? status.nextAttemptAt : null, now ? { now } : {})
  const parts = describeSyncStatus(status, conflicts.length, retryInSeconds)
  const view: SyncBannerView = {
    status,
    conflicts,
    retryInSeconds,
    parts,
    message: parts.map((part) => part.text).join(' · '),
  }
  return (
    <div role="status" aria-live="polite" aria-atomic="true" className={className} data-phase={status.phase}>
      {children
        ? children(view)
        : parts.map((part, index) => (
            <Fragment key={part.kind}>
              {index > 0 && ' · '}
              <span data-part={part.kind} aria-live={part.kind === 'countdown' ? 'off' : undefined}>
                {part.text}
              </span>
            </Fragment>
          ))}
    </div>
  )
}
