/**
 * What the example's server panel and its demo gateway (server/demoGateway.ts) say to each other over
 * `/__demo`: the shapes only, shared by both sides.
 */

/** A failure to inject: an HTTP status, a dropped connection, or an answer lost after the server applied the request. */
export type DemoFailure = number | 'network' | 'lost-response'

/** `POST /__demo/fail`: the next `count` requests fail so. */
export interface FailNextBody {
  kind: DemoFailure
  /** Sent as `Retry-After` (seconds) with a status failure. */
  retryAfter?: number
  /** The body of a status failure. */
  body?: unknown
  /** Only writes (pushes) count and fail, so the app's pulls go through. */
  writesOnly?: boolean
}

/** One request the gateway passed on (or failed), as the panel lists it. */
export interface DemoRequest {
  method: string
  /** Relative to `/api`, with the query. */
  path: string
  /** The status the app got, `'network'` for a dropped connection, null while it is on its way. */
  status: number | 'network' | null
  injected: DemoFailure | null
}

/** `GET /__demo/state`. */
export interface DemoState {
  /** False while the server is stopped (every request to it drops). */
  running: boolean
  latencyMs: number
  failuresQueued: number
  requests: DemoRequest[]
  /** The server's live records of the app's collections. */
  records: { items: Array<Record<string, unknown>>; orders: Array<Record<string, unknown>> }
  revision: number
}
