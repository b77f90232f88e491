import type { SyncAdapter } from '../types'
import { defaultRecordIdOf } from '../http/recordIdentity'
import { buildProtocolConfig } from './protocolConfig'
import { pullChanges } from './pullChanges'
import { pushOperations } from './pushOperations'
import { subscribeToEvents } from './subscribeToEvents'
import type { SyncProtocolAdapterOptions } from './types'

/**
 * Creates a {@link SyncAdapter} for the reference sync server (`rtk-offline/server`) or any backend that
 * speaks its protocol (docs/sync-protocol.md):
 * - `push` sends up to `batchSize` operations in one `POST {baseUrl}/sync/push` and reads one result per
 *   operation, mapped as the REST adapter maps statuses (2xx `ok`, 409/412 `conflict`, 404 on an update
 *   `conflict` with null and on a delete `ok`, 5xx/429 `retry`, 401/403 `auth`, other 4xx `reject`). A
 *   result that is missing, out of place or malformed retries its operation as `invalid-response`; a 413
 *   splits the request in halves. Never throws.
 * - `pull` asks `POST {baseUrl}/sync/pull` for a page of changes after the cursor and, for operations
 *   whose answer was lost, their outcomes (`answered`), so they are confirmed without being sent again.
 * - with `live: true`, `subscribe` listens to `GET {baseUrl}/sync/events` and the engine pulls when the
 *   server says something changed.
 *
 * @example
 * const adapter = createSyncProtocolAdapter({
 *   baseUrl: 'https://api.example.com',
 *   headers: async () => ({ Authorization: `Bearer ${await auth.getToken()}` }),
 *   live: true,
 * })
 * const sync = createOfflineSync({ entities: [todos], adapter, batchSize: 100 })
 */
export function createSyncProtocolAdapter(options: SyncProtocolAdapterOptions): SyncAdapter {
  const config = buildProtocolConfig(options)
  const adapter: SyncAdapter = {
    push(operations, options) {
      // The engine always passes a signal; a hand-written call without one must still not throw.
      const signal = options?.signal ?? new AbortController().signal
      return pushOperations(config, operations, signal, options?.recordIdOf ?? defaultRecordIdOf)
    },
    pull: (request) => pullChanges(config, request),
  }
  if (config.live) adapter.subscribe = (onChange, { signal }) => subscribeToEvents(config, onChange, signal)
  return adapter
}
