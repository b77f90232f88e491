import { createEventHub, type EventHub, type EventHubConfig } from './eventHub'

/**
 * The `events` option of `createOfflineSync`: {@link syncEvents}. The code that reads events out of the
 * engine's actions lives behind it, so an app that never subscribes ships none of it (the quick start stays
 * as small as it was).
 */
export interface SyncEventsPlugin {
  /** @internal What the core calls: makes the instance's event hub. */
  readonly '~rtkOfflineEvents': (config: EventHubConfig) => EventHub
}

/**
 * Turns sync events on: pass it as `createOfflineSync({ ..., events: syncEvents })`, then
 * `sync.subscribe(listener)` tells every event (see `SyncEvent`), and `createSyncMetrics(sync)` and
 * `<SyncInspector sync={sync} />` can read them.
 *
 * @example
 * ```ts
 * const sync = createOfflineSync({ entities: [todos], adapter, events: syncEvents })
 * const unsubscribe = sync.subscribe((event) => console.debug(event.type, event))
 * ```
 */
export const syncEvents: SyncEventsPlugin = { '~rtkOfflineEvents': createEventHub }
