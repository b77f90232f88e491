import { readFileSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve, type ServerType } from '@hono/node-server'
import { Hono } from 'hono'
import { createPgliteDriver, createSyncServer, resetSyncTables, type SqlDriver, type SyncServer } from '../../src/server/index'
import { pushOnly, TIMEOUT_ANSWER_MS, type BrowserFault, type StreamFault } from './faults'
import { DEVICE_HEADER, tokenOf, tokensOf, type Note } from './harnessApi'

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

/**
 * A change the server applied (a push operation answered 2xx the first time its key was seen; a replay
 * of the stored answer is no second application), in the order the fault layer read the answers.
 */
export interface ServerApplication {
  scope: string
  key: string
  device: string
  kind: 'create' | 'update' | 'delete'
  /** The record's id on the server (for a create with server-assigned ids, the id the server gave it). */
  recordId: string
  /** The id the operation named: the client's temporary id for a create with server-assigned ids. */
  sentId: string
  /** The operation's base version (null: sent without one, as an unconditional write). */
  baseVersion: string | null
  /** The record's version after it (null for a delete). */
  version: number | null
  /** The edit tokens it set (`t_*` fields not null). */
  tokens: string[]
  /** The edit tokens it removed (`t_*` fields set to null by a merge patch). */
  cleared: string[]
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
  /** A fault on the device's event stream, for `ms` from now (see StreamFault). */
  streamFault(device: string, fault: StreamFault, ms: number): void
  /** Faults still queued per device, and stream faults still running (dropped at the end, before healing). */
  clearFaults(): void
  /** The users of each event stream of the device open now. */
  openStreams(device: string): string[]
  /**
   * Stops the HTTP server (every open connection dropped, as a crash of the process drops them: requests
   * in flight get no answer, whatever the database committed for them) and starts it again on the same
   * database and port after `downMs`, in which connections are refused.
   */
  restart(downMs: number): Promise<void>
  /** Notes every user's data holds before a scenario starts (not any device's change), by user. */
  seed(notes: Record<string, Note[]>): Promise<void>
  /** Every change the server applied, in order. */
  readonly applications: ServerApplication[]
  /** Called with each application as the server answers it (the scenario stamps it on its ledger's clock). */
  onApplied: ((application: ServerApplication) => void) | null
  /** Every push operation that reached the server, in order of arrival. */
  readonly pushed: PushedOperation[]
  /** A line per request and what became of it, for traces. */
  readonly log: string[]
  /** Live notes of a user's scope, as the server holds them. */
  records(user: string): Promise<Note[]>
  /** Every key in the idempotency table, with its stored status. */
  appliedKeys(): Promise<AppliedKey[]>
  /** Empties the database and the logs for the next scenario; `assignIds`: the server gives created notes its own ids. */
  reset(options?: { assignIds?: boolean }): Promise<void>
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
  let assignIds = false
  /** Counts the scenarios (each `reset`): a request stalled in one is never applied in the next. */
  let scenario = 0
  const startSync = () => createSyncServer({ db, collections: { notes: { assignIds } }, authenticate, keepAliveMs: 5000 })
  let sync: SyncServer = await startSync()
  const faults = new Map<string, BrowserFault[]>()
  /** Stream faults of each device: until when each runs (epoch ms). */
  const streamFaults = new Map<string, Map<StreamFault, number>>()
  const streamFaultActive = (device: string, fault: StreamFault) => (streamFaults.get(device)?.get(fault) ?? 0) > Date.now()
  /** The event streams open now: their device and user, and how to cut them. */
  const streams = new Set<{ device: string; user: string; cut: () => void }>()
  const pushed: PushedOperation[] = []
  const applications: ServerApplication[] = []
  const appliedKeys = new Set<string>()
  let onApplied: ((application: ServerApplication) => void) | null = null
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
    let operations: SentOperation[] = []
    if (isPush && body) {
      try {
        const parsed = JSON.parse(new TextDecoder().decode(body)) as { operations?: SentOperation[] }
        operations = parsed.operations ?? []
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
    if (isStream && streamFaultActive(device, 'stream-refused')) {
      log.push(`${line} -> stream refused 503`)
      return c.json({ error: { code: 'injected', message: 'Injected 503 on the event stream' } }, 503, { 'Retry-After': '1' })
    }
    if (fault === '503' || fault === '429') {
      log.push(`${line} -> ${fault}`)
      return c.json({ error: { code: 'injected', message: `Injected ${fault}` } }, Number(fault) as 503, { 'Retry-After': '1' })
    }
    if (fault === 'slow') await wait(300 + Math.floor(options.random() * 900))
    // A stalled request reaches the server after the client gave up: the client's abort must not stop it.
    // One held across a reset belongs to the last scenario (its pages are gone): it never reaches the next
    // scenario's data (chaos:browser seed 130 once "created twice" seed 129's note so).
    if (fault === 'stall') {
      const held = scenario
      await wait(TIMEOUT_ANSWER_MS + Math.floor(options.random() * 2000))
      if (held !== scenario) {
        log.push(`${line} -> stalled past the end of its scenario, dropped`)
        return drop()
      }
    }
    const forwarded = new Request(new URL(path, 'http://chaos'), {
      method: raw.method,
      headers: raw.headers,
      ...(fault === 'stall' ? {} : { signal: raw.signal }),
      ...(body === undefined ? {} : { body }),
    })
    const response = await sync.fetch(forwarded)
    if (isStream) {
      log.push(`${line} -> stream ${response.status}`)
      if (!response.ok || response.body === null) return response
      const socket = c.env.incoming.socket
      const entry = { device, user, cut: () => void socket.destroy() }
      streams.add(entry)
      c.env.outgoing.once('close', () => streams.delete(entry))
      return new Response(response.body.pipeThrough(pokeFaults(device, log, stamp, streamFaultActive, options.random)), { status: response.status, headers: response.headers })
    }
    // The answer's text is read here, so the server has finished the request whatever becomes of the answer.
    const text = await response.text()
    if (isPush && response.ok) recordApplications(device, user, operations, text)
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

  /** The push's operations the server applied now (2xx, first answer of their key), in its answer's order. */
  function recordApplications(device: string, user: string, operations: SentOperation[], text: string): void {
    let results: Array<{ id?: unknown; status?: unknown; record?: { id?: unknown; version?: unknown } }>
    try {
      results = (JSON.parse(text) as { results: typeof results }).results
    } catch {
      return
    }
    operations.forEach((op, index) => {
      const result = results[index]
      if (!result || result.id !== op.id || typeof result.status !== 'number' || result.status < 200 || result.status >= 300) return
      const once = `${user}\u0000${op.id}`
      if (appliedKeys.has(once)) return
      appliedKeys.add(once)
      const version = result.record && typeof result.record.version === 'number' ? result.record.version : null
      const application: ServerApplication = {
        scope: user,
        key: op.id,
        device,
        kind: op.kind as ServerApplication['kind'],
        recordId: String(result.record?.id ?? op.recordId),
        sentId: String(op.recordId),
        baseVersion: op.baseVersion === null || op.baseVersion === undefined ? null : String(op.baseVersion),
        version: op.kind === 'delete' ? null : version,
        tokens: tokensOf(op.data).filter((token) => op.data?.[`t_${token}`] !== null),
        cleared: tokensOf(op.data).filter((token) => op.data?.[`t_${token}`] === null),
      }
      applications.push(application)
      onApplied?.(application)
    })
  }

  const listen = (port: number): Promise<ServerType> =>
    new Promise((resolve) => {
      const listening = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => resolve(listening))
    })
  let node = await listen(0)
  const port = (node.address() as AddressInfo).port
  const stop = async () => {
    const closed = new Promise<void>((resolve) => node.close(() => resolve()))
    if ('closeAllConnections' in node) node.closeAllConnections()
    await closed
  }

  return {
    url: `http://127.0.0.1:${port}/`,
    queueFault(device, fault) {
      faults.set(device, [...(faults.get(device) ?? []), fault])
    },
    streamFault(device, fault, ms) {
      log.push(`${stamp()} ${device} stream fault ${fault}${fault === 'stream-cut' ? '' : ` for ${ms} ms`}`)
      if (fault !== 'stream-cut') {
        const running = streamFaults.get(device) ?? new Map<StreamFault, number>()
        running.set(fault, Date.now() + ms)
        streamFaults.set(device, running)
      }
      if (fault === 'stream-cut' || fault === 'stream-refused') for (const stream of [...streams]) if (stream.device === device) stream.cut()
    },
    clearFaults: () => {
      faults.clear()
      streamFaults.clear()
    },
    openStreams: (device) => [...streams].filter((stream) => stream.device === device).map((stream) => stream.user),
    async restart(downMs) {
      log.push(`${stamp()} server stops (open connections dropped), down ${downMs} ms`)
      await stop()
      streams.clear()
      await sync.close()
      await wait(downMs)
      sync = await startSync()
      node = await listen(port)
      log.push(`${stamp()} server up again on port ${port}`)
    },
    async seed(notes) {
      for (const [user, records] of Object.entries(notes)) {
        const response = await sync.fetch(
          new Request('http://chaos/sync/push', {
            method: 'POST',
            headers: { Authorization: `Bearer ${tokenOf(user)}`, 'Content-Type': 'application/json' },
            body: JSON.stringify({
              clientId: 'seed',
              operations: records.map((record) => ({ id: `seed-${user}-${record.id}`, collection: 'notes', recordId: record.id, kind: 'create', data: record, baseVersion: null })),
            }),
          }),
        )
        if (!response.ok) throw new Error(`seeding ${user}'s notes failed: ${response.status} ${await response.text()}`)
      }
    },
    applications,
    get onApplied() {
      return onApplied
    },
    set onApplied(callback) {
      onApplied = callback
    },
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
    async reset(options = {}) {
      scenario += 1
      assignIds = options.assignIds === true
      faults.clear()
      streamFaults.clear()
      pushed.length = 0
      applications.length = 0
      appliedKeys.clear()
      onApplied = null
      log.length = 0
      // Ends the event streams of the last scenario's pages, which are gone.
      await sync.close()
      await resetSyncTables(db)
      sync = await startSync()
    },
    async close() {
      await sync.close()
      await stop()
      await db.close()
    },
  }
}

/** An operation of a push body, as the protocol adapter sends it. */
interface SentOperation {
  id: string
  kind: string
  recordId: unknown
  data: Record<string, unknown> | null
  baseVersion?: unknown
}

/**
 * The device's stream faults on the way out: pokes (`event: change`) dropped or delayed while such a fault
 * runs; everything else (the `: connected` comment, keep-alives) goes through as it comes.
 */
function pokeFaults(
  device: string,
  log: string[],
  stamp: () => string,
  active: (device: string, fault: StreamFault) => boolean,
  random: () => number,
): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new TextDecoder()
  let closed = false
  return new TransformStream({
    transform(chunk, controller) {
      const text = decoder.decode(chunk, { stream: true })
      if (!text.includes('event: change')) return controller.enqueue(chunk)
      if (active(device, 'pokes-lost')) {
        log.push(`${stamp()} ${device} poke lost`)
        return
      }
      if (active(device, 'pokes-delayed')) {
        const late = 500 + Math.floor(random() * 2500)
        log.push(`${stamp()} ${device} poke delayed ${late} ms`)
        setTimeout(() => {
          if (closed) return
          try {
            controller.enqueue(chunk)
          } catch {
            // The stream ended meanwhile: the poke is lost with it (the client reconnects and pulls).
          }
        }, late)
        return
      }
      controller.enqueue(chunk)
    },
    flush() {
      closed = true
    },
  })
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
