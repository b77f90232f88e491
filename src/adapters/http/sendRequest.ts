import { SyncError, SyncNetworkError } from '../../core/errors'

/** The `fetch` an HTTP adapter calls: anything with the shape of the global `fetch`. */
export type HttpFetch = (input: string, init: RequestInit) => Promise<Response>

/** A request to send: its method, URL and (JSON) body. */
export interface HttpRequest {
  method: string
  url: string
  /** Sent as JSON (`JSON.stringify`); left out for no body. */
  body?: unknown
}

/** A response that arrived whole, with its body read once and parsed if it is JSON. */
export interface Received {
  type: 'received'
  status: number
  statusText: string
  headers: Headers
  text: string
  /** The parsed body, or undefined when it is empty or not JSON. */
  json: unknown
}

/** A request that got no response: the network failed or the signal aborted it (with the engine's timeout, say). */
export interface Failed {
  type: 'failed'
  /** What to throw (a pull) or to keep, as `toErrorInfo(error)`, in a retry (a push). */
  error: SyncError
}

/** What sending needs of an adapter's options. */
export interface HttpTarget {
  /** The adapter's `baseUrl`, without a trailing slash. */
  baseUrl: string
  fetch: HttpFetch
}

/**
 * Sends a request and reads its whole body; a failure to do either is a network failure or an abort,
 * named in messages as {@link describeRequest} does. A body JSON cannot hold throws (the caller's
 * mistake, which each adapter reports in its own words); nothing else does.
 */
export async function sendRequest(target: HttpTarget, request: HttpRequest, headers: Headers, signal: AbortSignal): Promise<Received | Failed> {
  const init: RequestInit = { method: request.method, headers, signal }
  if (request.body !== undefined) init.body = JSON.stringify(request.body)
  try {
    // Aborted while the headers were being made (the engine stopped, another user signed in, whose
    // credentials `headers` may already return): the request must not leave at all.
    if (signal.aborted) throw signal.reason
    const response = await target.fetch(request.url, init)
    // A body cut off half-way is as good as no answer: the idempotency key makes the retry safe.
    const text = await response.text()
    return {
      type: 'received',
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
      text,
      json: parseJson(text),
    }
  } catch (error) {
    return { type: 'failed', error: transportError(describeRequest(target, request), signal, error) }
  }
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    // Proxies and load balancers answer with HTML: a body without a record, which each caller judges.
    return undefined
  }
}

function transportError(what: string, signal: AbortSignal, error: unknown): SyncError {
  if (signal.aborted) {
    // The engine aborts with a SyncTimeoutError when a request takes too long; keep that reason.
    if (signal.reason instanceof SyncError) return signal.reason
    return new SyncNetworkError(`${what} was aborted before the backend answered; the operation will be retried.`, {
      cause: signal.reason,
    })
  }
  const reason = error instanceof Error ? error.message : String(error)
  return new SyncNetworkError(
    `${what} could not reach the backend (${reason}); the operation will be retried. If this persists, check the network and the adapter's baseUrl.`,
    { cause: error },
  )
}

/** `PATCH /todos/1`: the URL relative to `baseUrl` when it is under it, which is what people read. */
export function describeRequest({ baseUrl }: { baseUrl: string }, request: HttpRequest): string {
  const isUnderBase = baseUrl !== '' && (request.url.startsWith(`${baseUrl}/`) || request.url.startsWith(`${baseUrl}?`))
  return `${request.method.toUpperCase()} ${isUnderBase ? request.url.slice(baseUrl.length) : request.url}`
}

/** `a body that is not JSON (text/html)`: how messages name a body a proxy or a captive portal may have sent. */
export function notJson(response: Received): string {
  const contentType = response.headers.get('Content-Type')
  return `a body that is not JSON${contentType ? ` (${contentType})` : ''}`
}
