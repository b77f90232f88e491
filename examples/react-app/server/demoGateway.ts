import type { IncomingMessage, ServerResponse } from 'node:http'
import { getRequestListener } from '@hono/node-server'
import { Hono, type Context } from 'hono'
// The library's source rather than `rtk-offline/server`: Vite bundles this file into its config, so
// `npm start` needs no build of the library first (an app's server would import 'rtk-offline/server').
import { createPgliteDriver, createSyncServer, resetSyncTables, type SqlDriver, type SyncServer } from '../../../src/server/index'
import { demoScope, demoUserOf, someoneElseToken } from '../src/demoAuth'
import type { DemoFailure, DemoRequest, DemoState, FailNextBody } from '../src/demoProtocol'

/** The collections the app syncs (the server refuses any other name); orders are numbered by the server. */
const collections = { items: {}, orders: { assignIds: true } }

/** Node's request and response, which @hono/node-server hands to every handler as `c.env`. */
interface NodeBindings {
  incoming: IncomingMessage
  outgoing: ServerResponse
}

interface QueuedFailure extends FailNextBody {
  left: number
}

/**
 * The example app's backend in development: rtk-offline's sync server on PGlite (data in `dataDir`, so a
 * restart keeps it), mounted at `/api`, behind a gateway the server panel steers at `/__demo`: latency,
 * failures to inject (a status, a dropped connection, an answer lost after the server applied the
 * request), stopping and starting the server (its database closed and opened again from its folder), and
 * a log of the requests. The gateway is the demo's own code, not part of the library: a real deployment
 * runs `createSyncServer` alone (docs/server.md).
 */
export interface DemoGateway {
  /** A Connect middleware for Vite's dev and preview servers: answers `/api/*` and `/__demo/*`, passes the rest on. */
  middleware(request: IncomingMessage, response: ServerResponse, next: () => void): void
  close(): Promise<void>
}

export async function createDemoGateway({ dataDir }: { dataDir: string | undefined }): Promise<DemoGateway> {
  let db: SqlDriver | null = null
  let server: SyncServer | null = null
  let latencyMs = 0
  let failures: QueuedFailure[] = []
  let requests: DemoRequest[] = []
  let revision = 0
  const watchers = new Set<() => void>()

  const changed = () => {
    revision++
    for (const watcher of [...watchers]) watcher()
  }

  async function start(): Promise<void> {
    db = await createPgliteDriver(dataDir === undefined ? {} : { dataDir })
    server = await createSyncServer({ db, collections, authenticate: authenticateDemo })
  }
  async function stop(): Promise<void> {
    const [wasServer, wasDb] = [server, db]
    server = null
    db = null
    await wasServer?.close()
    await wasDb?.close()
  }
  await start()

  /** Answers through the sync server, as `someone else` when `asSomeoneElse`. */
  async function ask(method: string, path: string, body?: unknown): Promise<Response> {
    if (!server) return Response.json({ error: { code: 'stopped', message: 'The server is stopped: start it first.' } }, { status: 503 })
    return server.fetch(
      new Request(`http://demo${path}`, {
        method,
        headers: { Authorization: `Bearer ${someoneElseToken}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    )
  }

  async function records(entity: string): Promise<Array<Record<string, unknown>>> {
    const all: Array<Record<string, unknown>> = []
    let cursor: string | null = null
    for (;;) {
      const response = await ask('GET', `/${entity}?limit=500${cursor === null ? '' : `&since=${cursor}`}`)
      if (!response.ok) return all
      const page = (await response.json()) as { changes: Array<{ record: Record<string, unknown> | null }>; cursor: string; hasMore: boolean }
      for (const change of page.changes) if (change.record) all.push(change.record)
      if (!page.hasMore) return all
      cursor = page.cursor
    }
  }

  async function state(): Promise<DemoState> {
    return {
      running: server !== null,
      latencyMs,
      failuresQueued: failures.reduce((sum, failure) => sum + failure.left, 0),
      requests: requests.slice(-50),
      records: server ? { items: await records('items'), orders: await records('orders') } : { items: [], orders: [] },
      revision,
    }
  }

  /** The next queued failure that applies to this request, taken off the queue. */
  function takeFailure(method: string, path: string): QueuedFailure | null {
    const isWrite = path.startsWith('/sync/push') || (method !== 'GET' && !path.startsWith('/sync/pull'))
    const failure = failures.find((queued) => !queued.writesOnly || isWrite)
    if (!failure) return null
    failure.left--
    failures = failures.filter((queued) => queued.left > 0)
    return failure
  }

  const dropConnection = (c: Context<{ Bindings: NodeBindings }>) => {
    c.env.incoming.socket.destroy()
    return new Response(null, { status: 500 })
  }

  const app = new Hono<{ Bindings: NodeBindings }>()

  app.all('/api/*', async (c) => {
    const url = new URL(c.req.url)
    const path = url.pathname.slice('/api'.length) + url.search
    const logged: DemoRequest = { method: c.req.method, path, status: null, injected: null }
    requests.push(logged)
    if (requests.length > 200) requests = requests.slice(-100)
    changed()
    const finish = (status: DemoRequest['status']) => {
      logged.status = status
      changed()
    }
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs))
    if (!server) {
      finish('network')
      return dropConnection(c)
    }
    const failure = takeFailure(c.req.method, path)
    logged.injected = failure?.kind ?? null
    if (failure && failure.kind !== 'lost-response') {
      if (failure.kind === 'network') {
        finish('network')
        return dropConnection(c)
      }
      finish(failure.kind)
      return Response.json(failure.body ?? { error: { code: 'injected', message: `Injected ${failure.kind} failure` } }, {
        status: failure.kind,
        headers: failure.retryAfter === undefined ? {} : { 'Retry-After': String(failure.retryAfter) },
      })
    }
    const raw = c.req.raw
    const forwarded = new Request(new URL(path, 'http://demo'), {
      method: raw.method,
      headers: raw.headers,
      signal: raw.signal,
      ...(raw.method === 'GET' || raw.method === 'HEAD' ? {} : { body: await raw.arrayBuffer() }),
    })
    const response = await server.fetch(forwarded)
    if (failure?.kind === 'lost-response') {
      // Applied by the server, then the answer never reaches the app: its retry must be a replay.
      await response.arrayBuffer()
      finish('network')
      return dropConnection(c)
    }
    // An event stream stays open; log it as answered when it starts.
    finish(response.status)
    return response
  })

  app.get('/__demo/state', async (c) => c.json(await state()))

  // The panel's live view: one event per change of the gateway's state, read by the panel with fetch.
  app.get('/__demo/events', (c) => {
    let stopWatching = () => {}
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        const encoder = new TextEncoder()
        const send = () => controller.enqueue(encoder.encode(`data: ${revision}\n\n`))
        send()
        watchers.add(send)
        stopWatching = () => watchers.delete(send)
      },
      cancel: () => stopWatching(),
    })
    c.req.raw.signal.addEventListener('abort', () => stopWatching())
    return new Response(stream, { headers: { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' } })
  })

  app.post('/__demo/latency', async (c) => {
    const { ms } = await c.req.json<{ ms: number }>()
    latencyMs = Math.max(0, Math.min(60_000, Number(ms) || 0))
    changed()
    return c.json({ latencyMs })
  })

  app.post('/__demo/fail', async (c) => {
    const body = await c.req.json<FailNextBody & { count: number }>()
    failures.push({ ...body, left: Math.max(1, Math.min(20, Number(body.count) || 1)) })
    changed()
    return c.json({ queued: body.count })
  })

  app.post('/__demo/records/:entity', async (c) => {
    const created = await c.req.json<Array<Record<string, unknown>>>()
    for (const record of created) await ask('POST', `/${c.req.param('entity')}`, record)
    changed()
    return c.json({ created: created.length })
  })

  app.patch('/__demo/records/:entity/:id', async (c) => {
    const response = await ask('PATCH', `/${c.req.param('entity')}/${encodeURIComponent(c.req.param('id'))}`, await c.req.json())
    changed()
    return c.json(await response.json(), response.status as 200)
  })

  app.delete('/__demo/records/:entity/:id', async (c) => {
    const response = await ask('DELETE', `/${c.req.param('entity')}/${encodeURIComponent(c.req.param('id'))}`)
    changed()
    return c.body(null, response.status as 204)
  })

  app.post('/__demo/server', async (c) => {
    const { running } = await c.req.json<{ running: boolean }>()
    if (!running && server) await stop()
    if (running && !server) await start()
    changed()
    return c.json({ running: server !== null })
  })

  app.post('/__demo/reset', async (c) => {
    if (!server) await start()
    await resetSyncTables(db!)
    failures = []
    requests = []
    latencyMs = 0
    changed()
    return c.json({ reset: true })
  })

  const listener = getRequestListener(app.fetch)
  return {
    middleware(request, response, next) {
      const url = request.url ?? ''
      if (url.startsWith('/api/') || url === '/api' || url.startsWith('/__demo/')) void listener(request, response)
      else next()
    },
    close: stop,
  }
}

/** A bearer token's user: the app's device and "someone else" of the panel, both of the demo's team. */
function authenticateDemo(request: Request) {
  const token = request.headers.get('Authorization')?.replace(/^Bearer /, '') ?? ''
  const userId = demoUserOf(token)
  return userId === null ? null : { userId, scope: demoScope }
}

export type { DemoFailure }
