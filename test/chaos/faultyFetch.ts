import type { RestFetch } from '../../src'
import type { ReferenceBackend, Reply } from './referenceBackend'
import type { Scheduler } from './scheduler'

/**
 * What can happen to one request on its way to the reference backend and back. Each is what a real
 * network, proxy or server does:
 * - `drop-before`: the connection fails before the server sees the request (nothing applied).
 * - `drop-after`: the server applies the request, then the connection drops (the answer is lost).
 * - `500`, `503`: the server fails without applying.
 * - `429`: too many requests, `Retry-After: 1` (nothing applied).
 * - `slow`: the server applies the request but answers after the request timeout (the client aborts).
 * - `stall`: the server never gets to it before the client's timeout (nothing applied).
 * - `late`: the server applies it at once and the answer arrives late but within the timeout, so other
 *   requests (a pull, another client's write) overtake it.
 * - `401`: the token expired: this and every later request of the client is answered 401 (nothing
 *   applied) until the client asks for a fresh token through `onAuthError`.
 * - `html`: a captive portal or proxy login page answers `200 text/html`; the server never saw it.
 * - `412-record`, `409-record`: a conflict answered with the server's current record (nothing applied).
 * - `412-message`: a conflict answered with an error message as the body, not a record.
 * - `409-empty`: a conflict with an empty body (the adapter must read the record).
 */
export type Fault =
  | 'drop-before'
  | 'drop-after'
  | '500'
  | '503'
  | '429'
  | 'slow'
  | 'stall'
  | 'late'
  | '401'
  | 'html'
  | '412-record'
  | '409-record'
  | '412-message'
  | '409-empty'

export const ALL_FAULTS: readonly Fault[] = [
  'drop-before',
  'drop-after',
  '500',
  '503',
  '429',
  'slow',
  'stall',
  'late',
  '401',
  'html',
  '412-record',
  '409-record',
  '412-message',
  '409-empty',
]

export interface FaultyFetchConfig {
  backend: ReferenceBackend
  scheduler: Scheduler
  baseUrl: string
  requestTimeoutMs: number
  /** The next fault for a request of this client, or undefined for a healthy answer. Called once per request. */
  nextFault(request: { method: string; path: string }): Fault | undefined
  /** Counts a fault that was injected. */
  onFault(fault: Fault): void
  /** Whether the client's token has expired: then every request is answered 401 until it refreshes. */
  isExpired?(): boolean
  /** A `401` fault expires the token (the server says so until the client refreshes it with onAuthError). */
  expire?(): void
  /** Each request and what became of it, for traces. */
  log?(line: string): void
  /** A request the server applied reached the client as a failure (`drop-after`, `slow`): its answer is lost. */
  onLostAnswer?(): void
}

class NetworkFailure extends TypeError {
  constructor(message = 'fetch failed') {
    super(message)
  }
}

function abortError(signal: AbortSignal | null | undefined): unknown {
  return signal?.reason ?? new DOMException('The operation was aborted.', 'AbortError')
}

function toResponse(reply: Reply): Response {
  const headers = new Headers(reply.headers)
  if (reply.body === undefined) return new Response(null, { status: reply.status, headers })
  if (typeof reply.body === 'string') {
    if (!headers.has('Content-Type')) headers.set('Content-Type', 'text/plain')
    return new Response(reply.body, { status: reply.status, headers })
  }
  headers.set('Content-Type', 'application/json')
  return new Response(JSON.stringify(reply.body), { status: reply.status, headers })
}

/** A `fetch` for the REST adapter that routes to the backend in memory, with faults injected per request. */
export function createFaultyFetch(config: FaultyFetchConfig): RestFetch {
  const { backend, scheduler } = config
  return (input, init) => {
    const done = scheduler.track()
    const signal = init.signal
    const method = (init.method ?? 'GET').toUpperCase()
    const path = input.startsWith(config.baseUrl) ? input.slice(config.baseUrl.length) : input
    const headers = new Headers(init.headers)
    const body = typeof init.body === 'string' && init.body !== '' ? (JSON.parse(init.body) as unknown) : undefined
    const fault = config.nextFault({ method, path })
    const alreadyAnswered = () => {
      const key = headers.get('idempotency-key')
      const auth = /^Bearer (.+)$/.exec(headers.get('authorization') ?? '')
      return key !== null && auth !== null && backend.hasAnswered(auth[1]!, key)
    }
    if (fault) config.onFault(fault)
    const describe = `${method} ${path} key=${headers.get('idempotency-key') ?? '-'} if-match=${headers.get('if-match') ?? '-'} auth=${headers.get('authorization') ?? '-'}${body === undefined ? '' : ` body=${JSON.stringify(body)}`}${fault ? ` FAULT ${fault}` : ''}`
    const serve = () => {
      const reply = backend.handle({ method, path, headers, body })
      config.log?.(`${describe} -> ${reply.status}${reply.body && typeof reply.body === 'object' && 'version' in reply.body ? ` v${String((reply.body as { version: unknown }).version)}` : ''}`)
      return reply
    }
    if (fault && !['drop-after', 'slow', 'late'].includes(fault)) config.log?.(`${describe} -> not served`)

    // Answers arrive in a later turn of the event loop, as over a real connection.
    return new Promise<Response>((resolve, reject) => {
      const later = (fn: () => void) =>
        setImmediate(() => {
          done()
          if (signal?.aborted) reject(abortError(signal))
          else fn()
        })
      if (signal?.aborted) {
        done()
        reject(abortError(signal))
        return
      }
      const answerAfter = (ms: number, reply: Reply | null, lost = false) => {
        // Waiting on the clock is not "busy": the harness may move time on meanwhile.
        done()
        const timer = scheduler.timers.setTimeout(() => {
          signal?.removeEventListener('abort', onAbort)
          if (reply === null) reject(new NetworkFailure())
          else resolve(toResponse(reply))
        }, ms)
        const onAbort = () => {
          scheduler.timers.clearTimeout(timer)
          reject(abortError(signal))
          if (lost) config.onLostAnswer?.()
        }
        signal?.addEventListener('abort', onAbort, { once: true })
      }
      if (fault === undefined && config.isExpired?.()) {
        config.log?.(`${describe} -> 401 (token expired)`)
        return later(() => resolve(toResponse({ status: 401, body: { message: 'Token expired' } })))
      }
      switch (fault) {
        case undefined:
          return later(() => resolve(toResponse(serve())))
        case 'drop-before':
          return later(() => reject(new NetworkFailure()))
        case 'drop-after':
          serve()
          return later(() => {
            reject(new NetworkFailure())
            config.onLostAnswer?.()
          })
        case '500':
        case '503':
          return later(() => resolve(toResponse({ status: Number(fault), body: { message: `Injected ${fault}` } })))
        case '429':
          return later(() => resolve(toResponse({ status: 429, body: { message: 'Slow down' }, headers: { 'Retry-After': '1' } })))
        case '401':
          config.expire?.()
          return later(() => resolve(toResponse({ status: 401, body: { message: 'Token expired' } })))
        case 'html':
          return later(() =>
            resolve(
              toResponse({ status: 200, body: '<!doctype html><html><body>Sign in to the Wi-Fi</body></html>', headers: { 'Content-Type': 'text/html' } }),
            ),
          )
        case 'slow': {
          const reply = serve()
          return answerAfter(config.requestTimeoutMs * 2, reply, true)
        }
        case 'stall':
          return answerAfter(config.requestTimeoutMs * 2, null)
        case 'late': {
          const reply = serve()
          return answerAfter(Math.floor(config.requestTimeoutMs / 2), reply)
        }
        case '412-record':
        case '409-record':
        case '412-message':
        case '409-empty':
          // A careful server replays the stored answer to a key it already applied before it looks at
          // versions, so a conflict is only ever the answer to a request it has not seen.
          if (alreadyAnswered()) return later(() => resolve(toResponse(serve())))
      }
      switch (fault) {
        case '412-record':
        case '409-record': {
          const status = fault === '412-record' ? 412 : 409
          // The server's current record, as a real conflict answer carries it; nothing is applied.
          const current = backend.handle({ method: 'GET', path: recordPath(path), headers, body: undefined })
          if (current.status !== 200) return later(() => resolve(toResponse(serve())))
          return later(() => resolve(toResponse({ status, body: current.body })))
        }
        case '412-message':
          return later(() => resolve(toResponse({ status: 412, body: { message: 'Precondition failed: the record changed.' } })))
        case '409-empty':
          return later(() => resolve(toResponse({ status: 409 })))
      }
    })
  }
}

/** `/todos/abc` for a write to a record; a create posts to `/todos` with the id in the body, so there is none. */
function recordPath(path: string): string {
  return path.split('?')[0]!
}
