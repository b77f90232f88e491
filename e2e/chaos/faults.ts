/**
 * What the fault layer can do to one request of a device, on its way to the reference server and back.
 * The scenario queues them per device (deterministically, from the seed); the layer takes the next one
 * that applies when a request of that device arrives (which request that is depends on real timing).
 *
 * - `drop-before`: the connection is closed before the server sees the request (nothing applied).
 * - `drop-after`: the server applies the push, then the connection is closed: the answer is lost.
 * - `503`: the server is unavailable (nothing applied), once with `Retry-After: 1`.
 * - `429`: too many requests, `Retry-After: 1` (nothing applied).
 * - `slow`: the answer comes 300–1200 ms late, within the client's request timeout.
 * - `timeout`: the server applies the push and answers after the client's request timeout (2.5 s):
 *   the client aborts, the answer is lost.
 * - `stall`: the request waits in a proxy past the client's timeout, then reaches the server and is
 *   applied: after the client gave up on it, maybe after its retry and later operations were applied.
 */
export type BrowserFault = 'drop-before' | 'drop-after' | '503' | '429' | 'slow' | 'timeout' | 'stall'

export const BROWSER_FAULTS: readonly BrowserFault[] = ['drop-before', 'drop-after', '503', '429', 'slow', 'timeout', 'stall']

/** Faults whose point is an answer lost after the server applied the write: only a push is worth it. */
export const pushOnly = (fault: BrowserFault) => fault === 'drop-after' || fault === 'timeout' || fault === 'stall'

/** How late a `timeout` answer comes: above the harness's requestTimeoutMs (2500). */
export const TIMEOUT_ANSWER_MS = 3200

/**
 * What the fault layer can do to a device's event stream (`GET /sync/events`, the protocol adapter's
 * `live: true`), for a while from the moment the scenario asks (the stream is long-lived: these are
 * windows of time, not one request's fault):
 *
 * - `stream-cut`: every open stream of the device is cut now, mid-way (the connection dropped).
 * - `stream-refused`: the device's new streams are answered 503 for a while (its open ones are cut).
 * - `pokes-lost`: the pokes (`event: change`) of the device's streams are dropped for a while.
 * - `pokes-delayed`: the pokes of the device's streams come late (each 0.5–3 s) for a while.
 */
export type StreamFault = 'stream-cut' | 'stream-refused' | 'pokes-lost' | 'pokes-delayed'

export const STREAM_FAULTS: readonly StreamFault[] = ['stream-cut', 'stream-refused', 'pokes-lost', 'pokes-delayed']
