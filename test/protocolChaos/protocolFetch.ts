import type { RestFetch } from '../../src'
import type { Scheduler } from '../chaos/scheduler'
import type { ObservedServer } from './observedServer'

/**
 * What can happen to one push or pull of a client on its way to the real server and back:
 * - `drop-before`: the connection fails before the server sees the request (nothing applied).
 * - `drop-after`: the server applies the request, then the connection drops (the answer is lost).
 * - `500`, `503`: the server fails without applying (503 with `Retry-After: 1`).
 * - `429`: too many requests, `Retry-After: 1` (nothing applied).
 * - `slow`: the server applies it at once, the answer comes late but within the client's timeout, so
 *   other requests (a pull, another client's push) overtake it.
 * - `late`: the server applies it at once and answers after the client's timeout (the client aborts:
 *   the answer is lost).
 * - `stall`: the request waits in a proxy past the client's timeout and reaches the server after the
 *   client gave up on it, maybe after its retry and later operations were applied.
 * - `401`: the token expired: this and every later request of the client is answered 401 (nothing
 *   applied) until the client asks for a fresh one through `onAuthError`.
 * - `html`: a captive portal answers `200 text/html`; the server never saw the request.
 * What can happen to the live stream (`GET /sync/events`):
 * - `cut-events`: every open stream of the client is cut now (the adapter reconnects after a backoff).
 * - `lose-poke`: the next `change` event on the client's stream never arrives.
 */
export type ProtocolFault = 'drop-before' | 'drop-after' | '500' | '503' | '429' | 'slow' | 'late' | 'stall' | '401' | 'html' | 'cut-events' | 'lose-poke'

export const REQUEST_FAULTS = ['drop-before', 'drop-after', '500', '503', '429', 'slow', 'late', 'stall', '401', 'html'] as const satisfies readonly ProtocolFault[]
export const EVENT_FAULTS = ['cut-events', 'lose-poke'] as const satisfies readonly ProtocolFault[]
export const ALL_PROTOCOL_FAULTS: readonly ProtocolFault[] = [...REQUEST_FAULTS, ...EVENT_FAULTS]

/** A request fault (one of REQUEST_FAULTS). */
export type RequestFault = (typeof REQUEST_FAULTS)[number]

/** The open live streams of one client, and the pokes it is to lose. */
export class EventTap {
  readonly #open = new Set<ReadableStreamDefaultController<Uint8Array>>()
  /** `change` events to drop before the next one gets through. */
  losePokes = 0
  /** Pokes dropped, streams cut, for the figures. */
  lost = 0
  cuts = 0

  /** Cuts every open stream, as a dropped connection does. */
  cut(): void {
    for (const controller of this.#open) {
      this.cuts += 1
      try {
        controller.error(new TypeError('network error: the event stream was cut'))
      } catch {
        // Already closed.
      }
    }
    this.#open.clear()
  }

  /** The server's event stream as the client receives it: pokes may be lost, the stream may be cut. */
  wrap(body: ReadableStream<Uint8Array>, scheduler: Scheduler, onEnd: () => void, log?: (line: string) => void): ReadableStream<Uint8Array> {
    const reader = body.getReader()
    const decoder = new TextDecoder()
    let self: ReadableStreamDefaultController<Uint8Array> | undefined
    const end = () => {
      if (self) this.#open.delete(self)
      void reader.cancel().catch(() => undefined)
      onEnd()
    }
    return new ReadableStream<Uint8Array>({
      start: (controller) => {
        self = controller
        this.#open.add(controller)
      },
      // Reads on until a chunk gets through: a pull that enqueues nothing is not called again.
      pull: async (controller) => {
        for (;;) {
          let chunk: ReadableStreamReadResult<Uint8Array>
          try {
            chunk = await reader.read()
          } catch (error) {
            end()
            controller.error(error)
            return
          }
          if (!this.#open.has(controller)) return
          if (chunk.done) {
            end()
            controller.close()
            return
          }
          const text = decoder.decode(chunk.value, { stream: true })
          if (text.includes('event: change') && this.losePokes > 0) {
            this.losePokes -= 1
            this.lost += 1
            log?.(`poke lost: ${text.trim().replace(/\n/g, ' ')}`)
            continue
          }
          if (text.includes('event: change')) log?.(`poke: ${text.trim().replace(/\n/g, ' ')}`)
          // The client reacts to a poke in later turns (a pull is dispatched): keep the harness waiting for it.
          const done = scheduler.track()
          setImmediate(() => setImmediate(done))
          controller.enqueue(chunk.value)
          return
        }
      },
      cancel: () => end(),
    })
  }
}

export interface ProtocolFetchConfig {
  server: ObservedServer
  scheduler: Scheduler
  requestTimeoutMs: number
  /** The next fault for a push or pull of this client, or undefined for a healthy answer. Called once per request. */
  nextFault(path: string): RequestFault | undefined
  onFault(fault: ProtocolFault): void
  /** The client's live streams. */
  events: EventTap
  /** Whether the client's token has expired (then every request is answered 401 until it refreshes). */
  isExpired(): boolean
  expire(): void
  log?(line: string): void
  /** A request the server applied reached the client as a failure (`drop-after`, `late`, `stall`). */
  onLostAnswer?(): void
}

class NetworkFailure extends TypeError {
  constructor(message = 'fetch failed') {
    super(message)
  }
}

const abortError = (signal: AbortSignal | null | undefined): unknown => signal?.reason ?? new DOMException('The operation was aborted.', 'AbortError')

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } })

/**
 * The `fetch` handed to `createSyncProtocolAdapter`: builds a web `Request` and hands it to the real
 * server's handler in this process (no socket), with the client's next fault applied. Answers arrive
 * in a later turn of the event loop, as over a real connection; waits are on the scenario's clock.
 */
export function createProtocolFetch(config: ProtocolFetchConfig): RestFetch {
  const { server, scheduler } = config
  return (input, init) => {
    const url = new URL(input)
    const method = (init.method ?? 'GET').toUpperCase()
    const headers = new Headers(init.headers)
    const scope = /^Bearer (.+)$/.exec(headers.get('Authorization') ?? '')?.[1] ?? null
    const signal = init.signal
    if (signal?.aborted) return Promise.reject(abortError(signal))
    if (method === 'GET' && url.pathname === '/sync/events') return openEvents(config, url, headers, signal)

    const text = typeof init.body === 'string' ? init.body : ''
    let body: unknown
    try {
      body = text === '' ? undefined : JSON.parse(text)
    } catch {
      body = undefined
    }
    const expired = config.isExpired()
    const fault = expired ? undefined : config.nextFault(url.pathname)
    if (fault) config.onFault(fault)
    const describe = `${method} ${url.pathname} auth=${scope ?? '-'} ${summarize(url.pathname, body)}${fault ? ` FAULT ${fault}` : ''}`
    const toServer = () => new Request(url, { method, headers, body: text === '' ? undefined : text })
    const serve = async (): Promise<Response> => {
      const response = await server.serve(toServer(), scope, body)
      config.log?.(`${describe} -> ${response.status} ${await answerSummary(response)}`)
      return response
    }

    const done = scheduler.track()
    return new Promise<Response>((resolve, reject) => {
      let settled = false
      const finish = (fn: () => void) => {
        if (settled) return
        settled = true
        signal?.removeEventListener('abort', onAbort)
        done()
        fn()
      }
      const onAbort = () => finish(() => reject(abortError(signal)))
      signal?.addEventListener('abort', onAbort, { once: true })
      /** An answer in a later turn (or the failure), unless the client gave up first. */
      const later = (fn: () => void) => setImmediate(() => finish(fn))
      /** An answer after `ms` on the clock: waiting on the clock is not "busy", the harness moves time on. */
      const after = (ms: number, fn: () => void, lost = false) => {
        done()
        const timer = scheduler.timers.setTimeout(() => finish(fn), ms)
        signal?.addEventListener(
          'abort',
          () => {
            scheduler.timers.clearTimeout(timer)
            if (lost) config.onLostAnswer?.()
          },
          { once: true },
        )
      }
      const failed = (error: unknown) => finish(() => reject(error))

      if (expired) {
        config.log?.(`${describe} -> 401 (token expired)`)
        return later(() => resolve(json(401, { error: { code: 'unauthorized', message: 'Token expired' } })))
      }
      if (fault && !['drop-after', 'slow', 'late', 'stall'].includes(fault)) config.log?.(`${describe} -> not served`)
      switch (fault) {
        case undefined:
          return void serve().then((response) => later(() => resolve(response)), failed)
        case 'drop-before':
          return later(() => reject(new NetworkFailure()))
        case 'drop-after':
          return void serve().then(
            () =>
              later(() => {
                reject(new NetworkFailure())
                config.onLostAnswer?.()
              }),
            failed,
          )
        case '500':
          return later(() => resolve(json(500, { error: { code: 'server-error', message: 'Injected 500' } })))
        case '503':
          return later(() => resolve(json(503, { error: { code: 'unavailable', message: 'Injected 503' } }, { 'Retry-After': '1' })))
        case '429':
          return later(() => resolve(json(429, { error: { code: 'rate-limited', message: 'Slow down' } }, { 'Retry-After': '1' })))
        case '401':
          config.expire()
          return later(() => resolve(json(401, { error: { code: 'unauthorized', message: 'Token expired' } })))
        case 'html':
          return later(() => resolve(new Response('<!doctype html><html><body>Sign in to the Wi-Fi</body></html>', { status: 200, headers: { 'Content-Type': 'text/html' } })))
        case 'slow':
          return void serve().then((response) => after(Math.floor(config.requestTimeoutMs / 2), () => resolve(response)), failed)
        case 'late':
          return void serve().then((response) => after(config.requestTimeoutMs * 2, () => resolve(response), true), failed)
        case 'stall': {
          // The request reaches the server after the client's timeout: applied, its answer goes nowhere.
          done()
          scheduler.timers.setTimeout(() => {
            config.log?.(`${describe}: the stalled request reaches the server now`)
            void serve().then(
              (response) => finish(() => resolve(response)),
              (error: unknown) => finish(() => reject(error)),
            )
          }, Math.floor(config.requestTimeoutMs * 1.5))
          signal?.addEventListener('abort', () => config.onLostAnswer?.(), { once: true })
          return
        }
      }
    })
  }
}

/** `GET /sync/events`: the server's stream, through the client's tap. */
async function openEvents(config: ProtocolFetchConfig, url: URL, headers: Headers, signal: AbortSignal | null | undefined): Promise<Response> {
  const done = config.scheduler.track()
  try {
    if (config.isExpired()) return json(401, { error: { code: 'unauthorized', message: 'Token expired' } })
    // The server's end of the connection: aborted when the client's stream ends (cut, cancelled, page gone).
    const connection = new AbortController()
    const response = await config.server.server.fetch(new Request(url, { method: 'GET', headers, signal: connection.signal }))
    if (signal?.aborted) {
      connection.abort()
      void response.body?.cancel().catch(() => undefined)
      throw abortError(signal)
    }
    if (!response.body) return response
    config.log?.(`GET /sync/events auth=${headers.get('Authorization') ?? '-'} -> ${response.status}`)
    const body = config.events.wrap(response.body, config.scheduler, () => connection.abort(), config.log && ((line) => config.log!(line)))
    return new Response(body, { status: response.status, headers: response.headers })
  } finally {
    done()
  }
}

function summarize(path: string, body: unknown): string {
  if (typeof body !== 'object' || body === null) return ''
  const b = body as Record<string, unknown>
  if (path === '/sync/push' && Array.isArray(b.operations))
    return (b.operations as Array<Record<string, unknown>>)
      .map((op) => `${String(op.id)}:${String(op.kind)} ${String(op.recordId)}@${String(op.baseVersion)} ${JSON.stringify(op.data)}`)
      .join(' | ')
  if (path === '/sync/pull') return `cursor=${String(b.cursor)}${Array.isArray(b.unanswered) && b.unanswered.length > 0 ? ` unanswered=${b.unanswered.join(',')}` : ''}`
  return ''
}

async function answerSummary(response: Response): Promise<string> {
  try {
    const body = (await response.clone().json()) as Record<string, unknown>
    if (Array.isArray(body.results)) return (body.results as Array<Record<string, unknown>>).map((r) => `${String(r.id)}=${String(r.status)}${r.record && typeof r.record === 'object' ? ` v${String((r.record as Record<string, unknown>).version)}` : ''}`).join(' ')
    if (Array.isArray(body.changes))
      return `changes=${(body.changes as Array<Record<string, unknown>>).map((c) => `${String(c.id)}${c.record ? `@${String((c.record as Record<string, unknown>).version)}` : '(gone)'}`).join(',')} cursor=${String(body.cursor)}${Array.isArray(body.answered) && body.answered.length > 0 ? ` answered=${(body.answered as Array<Record<string, unknown>>).map((a) => `${String(a.id)}=${String(a.status)}`).join(',')}` : ''}`
    return JSON.stringify(body).slice(0, 200)
  } catch {
    return ''
  }
}
