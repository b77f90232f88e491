import { serve } from '@hono/node-server'
import type { AddressInfo } from 'node:net'
import type { SyncServer } from './types'

/** Options of {@link serveSyncServer}. */
export interface ServeOptions {
  /** The port; 0 picks a free one. @default 8787 */
  port?: number
  /** The interface to listen on. @default '127.0.0.1' */
  hostname?: string
}

/** A server listening on a port. */
export interface ServingSyncServer {
  /** The port it listens on (the one picked when `port` was 0). */
  port: number
  /** Stops listening, ends the event streams and resolves when the port is free. */
  close(): Promise<void>
}

/**
 * Serves a {@link SyncServer} on Node with `@hono/node-server` (an optional peer dependency).
 *
 * @example
 * const listening = await serveSyncServer(server, { port: 8787 })
 */
export function serveSyncServer(server: SyncServer, options: ServeOptions = {}): Promise<ServingSyncServer> {
  return new Promise((resolve) => {
    const node = serve({ fetch: server.fetch, port: options.port ?? 8787, hostname: options.hostname ?? '127.0.0.1' }, (info: AddressInfo) => {
      resolve({
        port: info.port,
        async close() {
          await server.close()
          await new Promise<void>((done) => node.close(() => done()))
        },
      })
    })
    // Node closes an idle keep-alive connection after 5 s by default. A client that sends a request on a
    // socket the server is closing at that moment gets a reset ("fetch failed") for a request that may
    // never have been read. Load balancers keep idle upstream connections 60 s (AWS ALB, many proxies), and
    // Node's fetch (undici) reuses a socket until a second before the server's Keep-Alive hint, a margin a
    // busy event loop can miss (seen in the bench at 5 s). At 65 s the other side closes first, or has
    // ample margin. headersTimeout must stay above keepAliveTimeout, or Node cuts idle sockets sooner.
    // close() still ends idle connections at once (Node's server.close() closes idle ones since v19).
    if ('keepAliveTimeout' in node) {
      node.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS
      node.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000
    }
  })
}

/** How long an idle keep-alive connection stays open: above the 60 s idle timeout of common load balancers. */
const KEEP_ALIVE_TIMEOUT_MS = 65_000
