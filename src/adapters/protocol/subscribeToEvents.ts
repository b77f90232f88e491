import { backoffDelay } from '../../core/backoff'
import { isJsonObject } from '../../core/mergePatch'
import { createEventStreamParser, type ServerSentEvent } from './eventStreamParser'
import { requestHeaders, type ProtocolConfig } from './protocolConfig'

/**
 * Listens to `GET {baseUrl}/sync/events` and calls `onChange(collection)` for each `change` event, until
 * `signal` aborts. Read with `fetch`, not `EventSource`, so the `headers` option (an `Authorization`
 * header) goes with it. After the stream drops, fails or answers anything but a 2xx event stream, it
 * connects again after a backoff delay (full jitter, doubling while it keeps failing); once connected
 * again it calls `onChange()` for every entity, since changes made while it was away sent no event.
 * Never throws: a failure is a reconnection, and an `onChange` that throws is ignored.
 */
export function subscribeToEvents(config: ProtocolConfig, onChange: (entity?: string) => void, signal: AbortSignal): void {
  if (signal.aborted) return
  let failures = 0
  let hasConnected = false
  let timer: unknown
  signal.addEventListener('abort', () => config.timers.clearTimeout(timer), { once: true })

  const notify = (entity?: string) => {
    if (signal.aborted) return
    try {
      onChange(entity)
    } catch {
      // The engine's callback only dispatches a pull; a throw there must not end the subscription.
    }
  }
  const onEvent = ({ type, data }: ServerSentEvent) => {
    if (type !== 'change') return
    let collection: unknown
    try {
      const body: unknown = JSON.parse(data)
      collection = isJsonObject(body) ? body.collection : undefined
    } catch {
      collection = undefined
    }
    // A poke whose data cannot be read still says something changed: pull every entity.
    notify(typeof collection === 'string' ? collection : undefined)
  }

  /** One connection, read to its end; whether it opened (a 2xx event stream). */
  const listen = async (): Promise<boolean> => {
    let opened = false
    try {
      const headers = await requestHeaders(config, null, 'text/event-stream', false)
      if (signal.aborted) return false
      const response = await config.fetch(`${config.baseUrl}/sync/events`, { method: 'GET', headers, signal })
      const contentType = response.headers.get('Content-Type') ?? ''
      if (!response.ok || response.body === null || !contentType.includes('text/event-stream')) {
        // Not awaited: some fetches (a mocked one) never settle the cancellation of a body nobody reads.
        void response.body?.cancel().catch(() => undefined)
        return false
      }
      opened = true
      if (hasConnected) notify()
      hasConnected = true
      const reader = response.body.getReader()
      // Not every fetch ends a body already being read when its signal aborts (a mocked one may not).
      const stop = () => void reader.cancel().catch(() => undefined)
      signal.addEventListener('abort', stop, { once: true })
      const decoder = new TextDecoder()
      const parser = createEventStreamParser(onEvent)
      try {
        for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) parser.push(decoder.decode(chunk.value, { stream: true }))
      } finally {
        signal.removeEventListener('abort', stop)
      }
    } catch {
      // The network dropped, the server went away or the signal aborted: reconnect (or stop) below.
    }
    return opened
  }

  const connect = async () => {
    const opened = await listen()
    if (signal.aborted) return
    failures = opened ? 1 : failures + 1
    timer = config.timers.setTimeout(() => void connect(), backoffDelay(failures, config.reconnect, config.random))
  }
  void connect()
}
