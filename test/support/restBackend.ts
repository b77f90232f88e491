/**
 * A small versioned REST backend held in memory, served through MSW handlers, for tests:
 *
 * ```ts
 * const backend = createRestBackend({ baseUrl: 'http://127.0.0.1:4000/api' })
 * const server = useMswServer(...backend.handlers) // test/support/mswServer.ts
 * ```
 *
 * Routes: `GET {baseUrl}/{entity}` (all records, as an array), `POST {baseUrl}/{entity}` (create),
 * `GET`, `PATCH` (JSON merge patch) and `DELETE {baseUrl}/{entity}/{id}`. Every record carries a
 * numeric `version`, 1 when created and one more per write. Writes honour `If-Match` (412 with the
 * current record when it names another version) and `Idempotency-Key` (a repeated key gets the first
 * answer again and changes nothing).
 */
import { HttpResponse, delay, http } from 'msw'
import type { HttpHandler } from 'msw'

export type RecordId = string | number
export type BackendRecord = Record<string, unknown> & { id: RecordId; version: number }

/** A status to answer with, or `'network'` for a connection that fails without an answer. */
export type InjectedFailure = number | 'network'

export interface InjectedFailureOptions {
  /** Sent as the `Retry-After` header. */
  retryAfter?: string
  /** The response body: a string is sent as it is, anything else as JSON. @default { message: 'Injected <status> failure' } */
  body?: unknown
}

/** One request as the backend saw it. */
export interface LoggedRequest {
  method: string
  url: string
  /** The URL relative to `baseUrl`, e.g. `/todos/1`. */
  path: string
  idempotencyKey: string | null
  ifMatch: string | null
  /** Every header, names in lower case. */
  headers: Record<string, string>
  /** The parsed JSON body, the raw text when it is not JSON, or undefined when empty. */
  body: unknown
  /** What the backend answered: a status, or `'network'` when the connection was failed or dropped. */
  status: number | 'network' | undefined
}

export interface RestBackendOptions {
  baseUrl: string
  /** When given, every write stamps the record with `updatedAt: now()` (epoch milliseconds). */
  now?: () => number
}

export interface RestBackend {
  /** Pass to `setupServer(...backend.handlers)` or `server.use(...backend.handlers)`. */
  handlers: HttpHandler[]
  /** Every request received, oldest first. The same array for the backend's whole life. */
  readonly requests: LoggedRequest[]
  /** Copies of the records the backend holds for `entity`, in the order they were created. */
  records(entity: string): BackendRecord[]
  /** A copy of one record, or undefined when the backend does not hold it. */
  record(entity: string, id: RecordId): BackendRecord | undefined
  /** Stores records as they are (no request); a record without `version` gets version 1. */
  seed(entity: string, records: ReadonlyArray<Record<string, unknown> & { id: RecordId; version?: number }>): void
  /** Someone else changed a record: applies `changes` as a merge patch, bumps the version, returns the record. */
  editRemote(entity: string, id: RecordId, changes: Record<string, unknown>): BackendRecord
  /** Someone else deleted a record. */
  deleteRemote(entity: string, id: RecordId): void
  /** The next `count` requests fail with `failure` before the backend looks at them (nothing is applied). */
  failNext(count: number, failure: InjectedFailure, options?: InjectedFailureOptions): void
  /** The next `count` requests are applied, then the connection drops before the answer arrives. */
  dropResponseAfterCommitNext(count: number): void
  /** Every answer waits `ms` (real time, or fake time with `vi.useFakeTimers`). 0 turns it off. */
  setLatency(ms: number): void
  /** Forgets records, requests, injected failures, idempotency keys and latency. */
  reset(): void
}

interface Reply {
  status: number
  body?: unknown
  headers?: Record<string, string>
}

interface Injected extends InjectedFailureOptions {
  failure: InjectedFailure
}

interface Incoming {
  entity: string
  id: string
  body: unknown
  ifMatch: string | null
}

export function createRestBackend({ baseUrl, now }: RestBackendOptions): RestBackend {
  const base = baseUrl.replace(/\/+$/, '')
  const tables = new Map<string, Map<string, BackendRecord>>()
  const answered = new Map<string, Reply>()
  const requests: LoggedRequest[] = []
  let failures: Injected[] = []
  let drops = 0
  let latencyMs = 0

  const table = (entity: string): Map<string, BackendRecord> => {
    let rows = tables.get(entity)
    if (!rows) tables.set(entity, (rows = new Map()))
    return rows
  }
  const stamp = (record: BackendRecord): BackendRecord => (now ? { ...record, updatedAt: now() } : record)
  const find = (entity: string, id: RecordId) => table(entity).get(String(id))

  function write(entity: string, record: BackendRecord): BackendRecord {
    const stored = stamp(record)
    table(entity).set(String(stored.id), stored)
    return structuredClone(stored)
  }

  const notFound = (entity: string, id: string): Reply => ({
    status: 404,
    body: { message: `${entity} ${id} not found` },
  })

  const routes = {
    list: ({ entity }: Incoming): Reply => ({ status: 200, body: [...table(entity).values()] }),

    read: ({ entity, id }: Incoming): Reply => {
      const current = find(entity, id)
      return current ? { status: 200, body: current } : notFound(entity, id)
    },

    create: ({ entity, body }: Incoming): Reply => {
      if (!isObject(body) || (typeof body.id !== 'string' && typeof body.id !== 'number')) {
        return { status: 400, body: { message: 'The record needs an "id" (a string or a number).' } }
      }
      const current = find(entity, body.id)
      if (current) return { status: 409, body: current }
      return { status: 201, body: write(entity, { ...body, id: body.id, version: 1 }) }
    },

    update: ({ entity, id, body, ifMatch }: Incoming): Reply => {
      const current = find(entity, id)
      if (!current) return notFound(entity, id)
      if (!matches(ifMatch, current.version)) return { status: 412, body: current }
      if (!isObject(body)) return { status: 400, body: { message: 'The body must be a JSON merge patch object.' } }
      return { status: 200, body: write(entity, patchRecord(current, body)) }
    },

    remove: ({ entity, id, ifMatch }: Incoming): Reply => {
      const current = find(entity, id)
      if (!current) return notFound(entity, id)
      if (!matches(ifMatch, current.version)) return { status: 412, body: current }
      table(entity).delete(id)
      return { status: 204 }
    },
  }

  /** Wraps a route with what every request goes through: logging, latency, failures, idempotency. */
  function serve(route: (incoming: Incoming) => Reply) {
    return async ({ request, params }: { request: Request; params: Record<string, string | readonly string[] | undefined> }) => {
      const entry = await logRequest(request)
      if (latencyMs > 0) await delay(latencyMs)

      const injected = failures.shift()
      if (injected) return respond(entry, injectedReply(injected))

      const key = request.method === 'GET' ? null : entry.idempotencyKey
      const replay = key === null ? undefined : answered.get(key)
      const reply =
        replay ??
        route({ entity: String(params.entity), id: String(params.id), body: entry.body, ifMatch: entry.ifMatch })
      // Only successes are remembered, as most idempotency-key implementations do: an operation sent
      // again after a conflict or a rejection is looked at afresh.
      if (key !== null && !replay && reply.status < 300) answered.set(key, reply)

      if (drops > 0) {
        drops -= 1
        return respond(entry, 'network')
      }
      return respond(entry, reply)
    }
  }

  async function logRequest(request: Request): Promise<LoggedRequest> {
    const text = await request.clone().text()
    const entry: LoggedRequest = {
      method: request.method,
      url: request.url,
      path: request.url.startsWith(base) ? request.url.slice(base.length) : request.url,
      idempotencyKey: request.headers.get('Idempotency-Key'),
      ifMatch: request.headers.get('If-Match'),
      headers: headersOf(request),
      body: parseBody(text),
      status: undefined,
    }
    requests.push(entry)
    return entry
  }

  const handlers: HttpHandler[] = [
    http.get(`${base}/:entity`, serve(routes.list)),
    http.post(`${base}/:entity`, serve(routes.create)),
    http.get(`${base}/:entity/:id`, serve(routes.read)),
    http.patch(`${base}/:entity/:id`, serve(routes.update)),
    http.delete(`${base}/:entity/:id`, serve(routes.remove)),
  ]

  return {
    handlers,
    requests,
    records: (entity) => structuredClone([...table(entity).values()]),
    record: (entity, id) => {
      const current = find(entity, id)
      return current && structuredClone(current)
    },
    seed(entity, records) {
      for (const record of records) table(entity).set(String(record.id), { ...record, version: record.version ?? 1 })
    },
    editRemote(entity, id, changes) {
      const current = find(entity, id)
      if (!current) throw new Error(`editRemote: the backend holds no ${entity} ${String(id)}; seed it first.`)
      return write(entity, patchRecord(current, changes))
    },
    deleteRemote(entity, id) {
      if (!table(entity).delete(String(id))) {
        throw new Error(`deleteRemote: the backend holds no ${entity} ${String(id)}; seed it first.`)
      }
    },
    failNext(count, failure, options = {}) {
      for (let i = 0; i < count; i += 1) failures.push({ ...options, failure })
    },
    dropResponseAfterCommitNext(count) {
      drops += count
    },
    setLatency(ms) {
      latencyMs = ms
    },
    reset() {
      tables.clear()
      answered.clear()
      requests.length = 0
      failures = []
      drops = 0
      latencyMs = 0
    },
  }
}

function respond(entry: LoggedRequest, reply: Reply | 'network'): Response {
  if (reply === 'network') {
    entry.status = 'network'
    return HttpResponse.error()
  }
  entry.status = reply.status
  const init = { status: reply.status, headers: reply.headers }
  if (reply.body === undefined) return new HttpResponse(null, init)
  if (typeof reply.body === 'string') return HttpResponse.text(reply.body, init)
  return HttpResponse.json(reply.body, init)
}

function injectedReply({ failure, retryAfter, body }: Injected): Reply | 'network' {
  if (failure === 'network') return 'network'
  return {
    status: failure,
    body: body ?? { message: `Injected ${failure} failure` },
    headers: retryAfter === undefined ? undefined : { 'Retry-After': retryAfter },
  }
}

/** A merge patch (RFC 7386) that cannot change the id, then the next version. */
function patchRecord(current: BackendRecord, changes: Record<string, unknown>): BackendRecord {
  const { id: _id, version: _version, ...patch } = changes
  return { ...mergePatch(current, patch), id: current.id, version: current.version + 1 }
}

function mergePatch(target: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const result = { ...target }
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key]
    else if (isObject(value)) result[key] = mergePatch(isObject(result[key]) ? result[key] : {}, value)
    else result[key] = value
  }
  return result
}

/** No `If-Match` always matches; `*` matches any record; otherwise one of the listed tags must. */
function matches(ifMatch: string | null, version: number): boolean {
  if (ifMatch === null) return true
  return ifMatch
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, '').replace(/^"|"$/g, ''))
    .some((tag) => tag === '*' || tag === String(version))
}

function headersOf(request: Request): Record<string, string> {
  const headers: Record<string, string> = {}
  request.headers.forEach((value, name) => (headers[name] = value))
  return headers
}

function parseBody(text: string): unknown {
  if (text === '') return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
