import type { SyncEvent, SyncEventListener } from 'rtk-offline'

/** What the inspector needs of a sync instance for its timeline: `sync.subscribe` (with `events: syncEvents`). */
export interface SyncEventSource {
  subscribe(listener: SyncEventListener): () => void
}

/** Props of {@link SyncInspector}. */
export interface SyncInspectorProps {
  /**
   * The instance whose events the timeline shows (`createOfflineSync({ ..., events: syncEvents })`).
   * @default the instance of the nearest `OfflineSyncProvider`, if any; without one, no timeline
   */
  sync?: SyncEventSource
  /** Class of the panel's root element; the panel needs no CSS. Each part has a `data-part` to style it by. */
  className?: string
  /**
   * The level of the panel's heading; its sections' headings are one level below.
   * @default 2
   */
  headingLevel?: 1 | 2 | 3 | 4 | 5
  /**
   * How many events the timeline keeps, newest first.
   * @default 50
   */
  maxEvents?: number
  /**
   * How many queued operations the queue lists (the rest are counted).
   * @default 50
   */
  maxOps?: number
}

/** One line of the inspector's timeline. */
export interface TimelineEntry {
  /** Counts up from the inspector's mount: a stable key. */
  key: number
  event: SyncEvent
}
