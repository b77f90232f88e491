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
  })
}
