import type { Context } from 'hono'
import { streamSSE } from 'hono/streaming'
import type { ServerConfig, ServerEnv } from './context'

/**
 * `GET /sync/events`: a Server-Sent Events stream for the caller's scope. After each commit that
 * changed the scope it sends `event: change` with `data: {"collection":"…"}` (no record data: the
 * client pulls), and a comment every `keepAliveMs` so proxies keep the stream open. `ends` collects
 * a way to end each open stream, for `server.close()`.
 */
export function eventsRoute(config: ServerConfig, c: Context<ServerEnv>, ends: Set<() => void>): Response {
  const { scope } = c.get('caller')
  return streamSSE(c, async (stream) => {
    let end!: () => void
    const ended = new Promise<void>((resolve) => (end = resolve))
    ends.add(end)
    stream.onAbort(() => end())
    c.req.raw.signal.addEventListener('abort', () => end(), { once: true })
    const unsubscribe = config.pokes.subscribe(scope, (collection) => {
      // Not awaited: a client that reads slowly must not hold up the writer that poked it.
      void stream.writeSSE({ event: 'change', data: JSON.stringify({ collection }) })
    })
    const keepAlive = config.timers.setInterval(() => void stream.write(': keep-alive\n\n'), config.keepAliveMs)
    void stream.write(': connected\n\n')
    try {
      await ended
    } finally {
      ends.delete(end)
      unsubscribe()
      config.timers.clearInterval(keepAlive)
    }
  })
}
