import { HttpResponse, http } from 'msw'
import { describe, expect, it, vi } from 'vitest'
import { createSyncProtocolAdapter } from '../../src'
import { createEventStreamParser, type ServerSentEvent } from '../../src/adapters/protocol/eventStreamParser'
import { advance } from '../support/driver'
import { createManualTimers } from '../support/manualTimers'
import { useMswServer } from '../support/mswServer'

const baseUrl = 'http://127.0.0.1:4072/api'
const server = useMswServer()
const encoder = new TextEncoder()

describe('the event stream parser', () => {
  const stream = [
    ': connected\n\n',
    'event: change\ndata: {"collection":"todos"}\n\n',
    'event: change\r\ndata: {"collection":"lists"}\r\n\r\n',
    'event: change\rdata: {"collection":"notes"}\r\r',
    'data: first\ndata:second\nid: 7\nretry: 10\n\n',
    'event: change\n\n',
    ':keep-alive\n\n',
    'event: other\ndata: x\n\n',
    'data: ünïcödé ✓\n\n',
  ].join('')
  const expected: ServerSentEvent[] = [
    { type: 'change', data: '{"collection":"todos"}' },
    { type: 'change', data: '{"collection":"lists"}' },
    { type: 'change', data: '{"collection":"notes"}' },
    { type: 'message', data: 'first\nsecond' },
    { type: 'other', data: 'x' },
    { type: 'message', data: 'ünïcödé ✓' },
  ]

  it('reads events, skips comments and events without data, with any line ending', () => {
    const events: ServerSentEvent[] = []
    createEventStreamParser((event) => events.push(event)).push(stream)
    expect(events).toEqual(expected)
  })

  it('reads the same events however the stream is cut into chunks, bytes included', () => {
    const bytes = encoder.encode(stream)
    for (let size = 1; size <= 7; size++) {
      const events: ServerSentEvent[] = []
      const parser = createEventStreamParser((event) => events.push(event))
      const decoder = new TextDecoder()
      for (let at = 0; at < bytes.length; at += size) parser.push(decoder.decode(bytes.subarray(at, at + size), { stream: true }))
      expect(events, `chunks of ${size} bytes`).toEqual(expected)
    }
  })

  it('keeps a trailing \\r until it knows whether \\n follows', () => {
    const events: ServerSentEvent[] = []
    const parser = createEventStreamParser((event) => events.push(event))
    parser.push('data: a\r')
    parser.push('\n\r')
    parser.push('\ndata: b\n\n')
    expect(events).toEqual([
      { type: 'message', data: 'a' },
      { type: 'message', data: 'b' },
    ])
  })
})

/** The server's side of `GET /sync/events`: each connection is a stream the test writes to, closes or drops. */
function eventsEndpoint() {
  const connections: Array<{ headers: Headers; send(text: string): void; close(): void; drop(): void }> = []
  /** Answers for the next connections instead of a stream: a status, a non-stream body or a network error. */
  const refusals: Array<number | 'html' | 'network'> = []
  server.use(
    http.get(`${baseUrl}/sync/events`, ({ request }) => {
      const refusal = refusals.shift()
      if (refusal === 'network') return HttpResponse.error()
      if (refusal === 'html') return new HttpResponse('<html>portal</html>', { headers: { 'Content-Type': 'text/html' } })
      if (refusal !== undefined) return new HttpResponse(null, { status: refusal })
      let controller!: ReadableStreamDefaultController<Uint8Array>
      const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) })
      connections.push({
        headers: request.headers,
        send: (text) => controller.enqueue(encoder.encode(text)),
        close: () => controller.close(),
        drop: () => controller.error(new Error('connection reset')),
      })
      return new HttpResponse(body, { headers: { 'Content-Type': 'text/event-stream' } })
    }),
  )
  return { connections, refusals }
}

function subscribe(options: { headers?: Record<string, string> } = {}) {
  const clock = createManualTimers()
  const adapter = createSyncProtocolAdapter({ baseUrl, live: true, timers: clock.timers, now: clock.now, random: () => 0.5, ...options })
  const calls: Array<string | undefined> = []
  const controller = new AbortController()
  adapter.subscribe!((entity) => calls.push(entity), { signal: controller.signal })
  return { clock, calls, controller }
}

describe('createSyncProtocolAdapter: subscribe (live)', () => {
  it('reads GET {baseUrl}/sync/events with the headers option and calls onChange with each changed collection', async () => {
    const { connections } = eventsEndpoint()
    const { calls, controller } = subscribe({ headers: { Authorization: 'Bearer live' } })
    await vi.waitFor(() => expect(connections).toHaveLength(1))
    expect(connections[0]!.headers.get('authorization')).toBe('Bearer live')
    expect(connections[0]!.headers.get('accept')).toBe('text/event-stream')
    connections[0]!.send(': hello\n\nevent: change\ndata: {"collec')
    connections[0]!.send('tion":"todos"}\n\nevent: other\ndata: {"collection":"lists"}\n\n')
    connections[0]!.send('event: change\ndata: not json\n\nevent: change\ndata: {"collection":"lists"}\n\n')
    await vi.waitFor(() => expect(calls).toHaveLength(3))
    // A poke whose data cannot be read still says something changed: every entity is pulled.
    expect(calls).toEqual(['todos', undefined, 'lists'])
    controller.abort()
  })

  it('reconnects after a drop with backoff, and asks for a pull of everything once connected again', async () => {
    const { connections, refusals } = eventsEndpoint()
    const { clock, calls, controller } = subscribe()
    await vi.waitFor(() => expect(connections).toHaveLength(1))
    connections[0]!.send('event: change\ndata: {"collection":"todos"}\n\n')
    await vi.waitFor(() => expect(calls).toEqual(['todos']))

    refusals.push(503, 'network', 'html')
    connections[0]!.drop()
    // random 0.5 of a ceiling of 1 s after a connection that was open, then 2 s, 4 s, 8 s while it keeps failing.
    for (const delay of [500, 1000, 2000, 4000]) {
      await vi.waitFor(() => expect(clock.pending()).toBe(1))
      clock.advance(delay - 1)
      expect(clock.pending(), `still waiting ${delay} ms`).toBe(1)
      clock.advance(1)
    }
    await vi.waitFor(() => expect(connections).toHaveLength(2))
    expect(refusals).toEqual([])
    await vi.waitFor(() => expect(calls).toEqual(['todos', undefined]))
    connections[1]!.send('event: change\ndata: {"collection":"lists"}\n\n')
    await vi.waitFor(() => expect(calls).toEqual(['todos', undefined, 'lists']))

    // A stream the server ends is a drop too; the delay starts again from its first ceiling.
    connections[1]!.close()
    await vi.waitFor(() => expect(clock.pending()).toBe(1))
    clock.advance(500)
    await vi.waitFor(() => expect(connections).toHaveLength(3))
    controller.abort()
  })

  it('stops on abort: the body it reads is cancelled, no reconnection is scheduled and onChange is not called again', async () => {
    const { connections } = eventsEndpoint()
    const clock = createManualTimers()
    // MSW does not pass a cancellation back to the handler's stream, so watch the body the adapter reads.
    let isCancelled = false
    const fetch = async (input: string, init: RequestInit) => {
      const response = await globalThis.fetch(input, init)
      const reader = response.body!.getReader()
      const body = new ReadableStream<Uint8Array>({
        pull: async (controller) => {
          const chunk = await reader.read()
          if (chunk.done) controller.close()
          else controller.enqueue(chunk.value)
        },
        cancel: () => void (isCancelled = true),
      })
      return new Response(body, { headers: response.headers })
    }
    const calls: Array<string | undefined> = []
    const controller = new AbortController()
    createSyncProtocolAdapter({ baseUrl, live: true, timers: clock.timers, fetch }).subscribe!((entity) => calls.push(entity), { signal: controller.signal })
    await vi.waitFor(() => expect(connections).toHaveLength(1))
    await advance()
    expect(isCancelled).toBe(false)
    controller.abort()
    await vi.waitFor(() => expect(isCancelled).toBe(true))
    connections[0]!.send('event: change\ndata: {"collection":"todos"}\n\n')
    await advance()
    expect(clock.pending()).toBe(0)
    expect(calls).toEqual([])
  })

  it('stops on abort while waiting to reconnect, and never connects on a signal already aborted', async () => {
    const { connections, refusals } = eventsEndpoint()
    refusals.push(500)
    const { clock, controller } = subscribe()
    await vi.waitFor(() => expect(clock.pending()).toBe(1))
    controller.abort()
    expect(clock.pending()).toBe(0)

    const adapter = createSyncProtocolAdapter({ baseUrl, live: true, timers: clock.timers })
    adapter.subscribe!(() => undefined, { signal: AbortSignal.abort() })
    await advance()
    expect(connections).toEqual([])
  })

  it('keeps listening when onChange throws', async () => {
    const { connections } = eventsEndpoint()
    const clock = createManualTimers()
    const controller = new AbortController()
    const calls: Array<string | undefined> = []
    createSyncProtocolAdapter({ baseUrl, live: true, timers: clock.timers }).subscribe!(
      (entity) => {
        calls.push(entity)
        throw new Error('listener failed')
      },
      { signal: controller.signal },
    )
    await vi.waitFor(() => expect(connections).toHaveLength(1))
    connections[0]!.send('event: change\ndata: {"collection":"a"}\n\nevent: change\ndata: {"collection":"b"}\n\n')
    await vi.waitFor(() => expect(calls).toEqual(['a', 'b']))
    expect(clock.pending()).toBe(0)
    controller.abort()
  })
})
