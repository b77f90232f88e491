import type { Timers } from '../../core/timers'
import type { OutgoingOperation } from '../types'
import type { RestFetch, RestHeaders } from '../rest/types'

/** How soon the live subscription connects again after its stream dropped (full jitter, doubling). */
export interface ReconnectOptions {
  /**
   * The first reconnection waits up to this long; each failed one doubles the ceiling.
   * @default 1000
   */
  baseDelayMs?: number
  /**
   * The ceiling of the wait between reconnections.
   * @default 30_000
   */
  maxDelayMs?: number
}

/** Options of {@link createSyncProtocolAdapter}. */
export interface SyncProtocolAdapterOptions {
  /**
   * Where the sync server lives (the prefix of `/sync/push`, `/sync/pull` and `/sync/events`); a trailing
   * slash is ignored. Required.
   * @example 'https://api.example.com'
   */
  baseUrl: string
  /**
   * Headers added to every request, or a function (sync or async) called before each request, so an
   * auth token is always the current one. A push request carries operations of one user only, and the
   * function gets the first of them (`operation.userId` is the user the changes were made under:
   * return that user's credentials); pulls and the live stream get null. When another user signs in
   * while headers are being made, the request is aborted before it leaves.
   * @default {}
   * @example
   * headers: async (operation) => ({ Authorization: `Bearer ${await auth.getToken(operation?.userId)}` })
   */
  headers?: RestHeaders | ((operation: OutgoingOperation | null) => RestHeaders | Promise<RestHeaders>)
  /**
   * The `fetch` to send requests with (and to read the live stream with).
   * @default (input, init) => globalThis.fetch(input, init), looked up on each call so a test can replace it
   */
  fetch?: RestFetch
  /**
   * The most operations in one `POST /sync/push`. A push of more goes as several requests, one after
   * the other. Set `createOfflineSync({ batchSize })` at least as high, or the engine hands over fewer
   * at a time (its default is 20).
   * @default 100
   */
  batchSize?: number
  /**
   * This client's id, sent with every push and pull: the server keeps the last operation it applied per
   * client (`lastApplied`). One per adapter instance.
   * @default crypto.randomUUID(), made once when the adapter is created
   */
  clientId?: string
  /**
   * Listen to `GET {baseUrl}/sync/events` (Server-Sent Events) so the engine pulls as soon as the server
   * says something changed. Without it the adapter has no `subscribe`, and changes arrive with the
   * engine's periodic or manual pulls.
   * @default false
   */
  live?: boolean
  /**
   * The waits between reconnections of the live stream.
   * @default { baseDelayMs: 1000, maxDelayMs: 30_000 }
   */
  reconnect?: ReconnectOptions
  /**
   * The clock, in epoch milliseconds; used to turn a `Retry-After` date into a delay.
   * @default () => Date.now()
   */
  now?: () => number
  /**
   * The timers the live stream waits with before reconnecting.
   * @default setTimeout and clearTimeout, looked up on each call
   */
  timers?: Timers
  /**
   * Randomness for the reconnection jitter, in [0, 1).
   * @default Math.random
   */
  random?: () => number
}
