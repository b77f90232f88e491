import { readFileSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve, type ServerType } from '@hono/node-server'
import { Hono } from 'hono'
import { createPgliteDriver, createSyncServer, resetSyncTables, type SqlDriver, type SyncServer } from '../../src/server/index'
import { pushOnly, TIMEOUT_ANSWER_MS, type BrowserFault } from './faults'
import { DEVICE_HEADER, tokenOf, type Note } from './harnessApi'

interface NodeBindings {
  incoming: IncomingMessage
  outgoing: ServerResponse
}

/** One operation of a push as it reached the server (whatever became of its answer). */
export interface PushedOperation {
  key: string
  device: string
  /** The user whose credentials the request carried (the scope the server wrote in). */
  user: string
  kind: string
  recordId: string
  data: Record<string, unknown> | null
  /** What the fault layer did to the request. */
  fault: BrowserFault | null
}

/** What the server's idempotency table says was answered to a key. */
export interface AppliedKey {
  scope: string
  key: string
  status: number | null
}

export interface ChaosServer {
  readonly url: string
  /** Queues a fault for the device's next request it applies to. */
  queueFault(device: string, fault: BrowserFault): void
  /** Faults still queued per device (dropped at the end, before healing). */
  clearFaults(): void
  /** Every push operation that reached the server, in order of arrival. */
  readonly pushed: PushedOperation[]
  /** A line per request and what became of it, for traces. */
  readonly log: string[]
  /** Live notes of a user's scope, as the server holds them. */
  records(user: string): Promise<Note[]>
  /** Every key in the idempotency table, with its stored status. */
  appliedKeys(): Promise<AppliedKey[]>
  /** Empties the database and the logs for the next scenario. */
  reset(): Promise<void>
  close(): Promise<void>
}

const users = ['alice', 'bob']

/**
 * The reference sync server (rtk-offline/server on PGlite in memory) as a real HTTP server on
 * 127.0.0.1, behind a fault layer, and the harness page: `/` and `/harness.js` (the bundle), `/api/*`
 * through the faults to the sync server.
 */
export async function startChaosServer(options: { bundle: () => string; random: () => number }): Promise<ChaosServer> {
  const db: SqlDriver = await createPgliteDriver()
  const authenticate = (request: Request) => {
    const token = request.headers.get('Authorization')?.replace(/^Bearer /, '')
    const user = users.find((candidate) => tokenOf(candidate) === token)
    return user ? { userId: user } : null
  }
  let sync: SyncServer = await createSyncServer({ db, collections: { notes: {} }, authenticate, keepAliveMs: 5000 })
  const faults = new Map<string, BrowserFault[]>()
  const pushed: PushedOperation[] = []
  const log: string[] = []
  const started = Date.now()
  const stamp = () => `${String(Date.now() - started).padStart(6)}ms`

  const takeFault = (device: string, isPush: boolean): BrowserFault | null => {
    const queue = faults.get(device) ?? []
    const index = queue.findIndex((fault) => isPush || !pushOnly(fault))
    return index < 0 ? null : queue.splice(index, 1)[0]!
  }
  const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

  const app = new Hono<{ Bindings: NodeBindings }>()
  app.get('/', (c) => c.html('<!doctype html><html><head><title>rtk-offline chaos harness</title></head><body><script type="module" src="/harness.js"></script></body></html>'))
  app.get('/harness.js', (c) => c.body(options.bundle(), 200, { 'Content-Type': 'text/javascript', 'Cache-Control': 'no-store' }))
  app.get('/favicon.ico', (c) => c.body(null, 204))
  app.all('/api/*', async (c) => {
    const url = new URL(c.req.url)
    const path = url.pathname.slice('/api'.length) + url.search
    const device = c.req.header(DEVICE_HEADER) ?? '?'
    const isPush = path.startsWith('/sync/push')
    const isStream = path.startsWith('/sync/events')
    const fault = isStream ? null : takeFault(device, isPush)
    const user = users.find((candidate) => tokenOf(candidate) === c.req.header('Authorization')?.replace(/^Bearer /, '')) ?? '?'
    const raw = c.req.raw
    const body = raw.method === 'GET' || raw.method === 'HEAD' ? undefined : await raw.arrayBuffer()
    let summary = ''
    if (isPush && body) {
      try {
        const parsed = JSON.parse(new TextDecoder().decode(body)) as { operations?: Array<{ id: string; kind: string; recordId: unknown; data: Record<string, unknown> | null }> }
        for (const op of parsed.operations ?? [])
          pushed.push({ key: op.id, device, user, kind: op.kind, recordId: String(op.recordId), data: op.data, fault })
        summary = ` [${(parsed.operations ?? []).map((op) => `${op.kind} ${String(op.recordId)} ${op.id}`).join(', ')}]`
      } catch {
        summary = ' [unreadable body]'
      }
    }
    const line = `${stamp()} ${device} ${user} ${raw.method} ${path}${summary}${fault ? ` FAULT ${fault}` : ''}`
    const drop = () => {
      c.env.incoming.socket.destroy()
      return new Response(null, { status: 500 })
    }
    if (fault === 'drop-before') {
      log.push(`${line} -> dropped`)
      return drop()
    }
    if (fault === '503' || fault === '429') {
      log.push(`${line} -> ${fault}`)
      return c.json({ error: { code: 'injected', message: `Injected ${fault}` } }, Number(fault) as 503, { 'Retry-After': '1' })
    }
    if (fault === 'slow') await wait(300 + Math.floor(options.random() * 900))
    // A stalled request reaches the server after the client gave up: the client's abort must not stop it.
    if (fault === 'stall') await wait(TIMEOUT_ANSWER_MS + Math.floor(options.random() * 2000))
    const forwarded = new Request(new URL(path, 'http://chaos'), {
      method: raw.method,
      headers: raw.headers,
      ...(fault === 'stall' ? {} : { signal: raw.signal }),
      ...(body === undefined ? {} : { body }),
    })
    const response = await sync.fetch(forwarded)
    if (isStream) {
      log.push(`${line} -> stream ${response.status}`)
      return response
    }
    // The answer's text is read here, so the server has finished the request whatever becomes of the answer.
    const text = await response.text()
    const statuses = isPush && response.ok ? describeResults(text) : ''
    if (fault === 'drop-after') {
      log.push(`${line} -> applied ${response.status}${statuses}, connection dropped`)
      return drop()
    }
    if (fault === 'stall') {
      log.push(`${line} -> applied ${response.status}${statuses} after the client's timeout`)
      return drop()
    }
    if (fault === 'timeout') {
      log.push(`${line} -> applied ${response.status}${statuses}, answered after ${TIMEOUT_ANSWER_MS} ms`)
      await wait(TIMEOUT_ANSWER_MS)
    } else log.push(`${line} -> ${response.status}${statuses}`)
    return new Response(text, { status: response.status, headers: response.headers })
  })

  const node: ServerType = await new Promise((resolve) => {
    const listening = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(listening))
  })
  const port = (node.address() as AddressInfo).port

  return {
    url: `http://127.0.0.1:${port}/`,
    queueFault(device, fault) {
      faults.set(device, [...(faults.get(device) ?? []), fault])
    },
    clearFaults: () => faults.clear(),
    pushed,
    log,
    async records(user) {
      const { rows } = await db.query<{ data: Note }>(
        "SELECT data FROM rtk_offline_records WHERE scope = $1 AND collection = 'notes' AND data IS NOT NULL ORDER BY id",
        [user],
      )
      return rows.map((row) => row.data)
    },
    async appliedKeys() {
      const { rows } = await db.query<{ scope: string; key: string; status: number | null }>('SELECT scope, key, status FROM rtk_offline_idempotency')
      return rows.map((row) => ({ scope: row.scope, key: row.key, status: row.status === null ? null : Number(row.status) }))
    },
    async reset() {
      faults.clear()
      pushed.length = 0
      log.length = 0
      // Ends the event streams of the last scenario's pages, which are gone.
      await sync.close()
      await resetSyncTables(db)
      sync = await createSyncServer({ db, collections: { notes: {} }, authenticate, keepAliveMs: 5000 })
    },
    async close() {
      await sync.close()
      if ('closeAllConnections' in node) node.closeAllConnections()
      await new Promise<void>((resolve) => node.close(() => resolve()))
      await db.close()
    },
  }
}

/** The statuses of a push answer's results, for the log. */
function describeResults(text: string): string {
  try {
    const { results } = JSON.parse(text) as { results: Array<{ id: string; status: number }> }
    return ` (${results.map((result) => result.status).join(' ')})`
  } catch {
    return ''
  }
}

/** Reads the harness bundle once from a file (the e2e test's build). */
export const fromFile = (path: string) => {
  let text: string | null = null
  return () => (text ??= readFileSync(path, 'utf8'))
}
