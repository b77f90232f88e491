/**
 * A small in-memory REST backend for the terminal demo, built on node:http alone and listening on
 * loopback only. It speaks the conventions of `createRestAdapter`:
 *
 * - `GET /{entity}` lists the records, `GET /{entity}/{id}` reads one.
 * - `POST /{entity}` creates (201); a record with that id already there is a 409 with the current record.
 * - `PATCH /{entity}/{id}` applies a JSON merge patch (RFC 7386) and answers with the record.
 * - `DELETE /{entity}/{id}` deletes (204).
 * - Every record carries a numeric `version`: 1 when created, one more per write.
 * - `If-Match` naming another version is a 412 with the current record; an unknown record is a 404.
 * - `Idempotency-Key`: a repeated key gets the first answer again, and the write is applied once.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export type ServerRecord = Record<string, unknown> & { id: string | number; version: number }

/** One request as the server saw it, reported once it has been answered. */
export interface ServedRequest {
  method: string
  /** e.g. `/todos/t1` */
  path: string
  status: number
  ifMatch: string | null
  idempotencyKey: string | null
  /** The record's version after the write, when the answer carried a record. */
  version: number | null
  /** True when the failure was injected with `failNext`. */
  injected: boolean
  /** True when the answer was replayed for a repeated `Idempotency-Key`. */
  replayed: boolean
}

export interface DemoServerOptions {
  /** Called after each request has been answered, in the order the answers went out. */
  onRequest?: (request: ServedRequest) => void
}

export interface DemoServer {
  /** The base URL, e.g. `http://127.0.0.1:54321`; pass it to `createRestAdapter({ baseUrl })`. */
  readonly url: string
  /** Copies of the records of `entity`, in the order they were created. */
  records(entity: string): ServerRecord[]
  /** How many requests have arrived so far, injected failures included. */
  requestCount(): number
  /** Every request answered so far, oldest first. */
  requests(): ServedRequest[]
  /** The next `count` requests are answered with `status` before the server looks at them: nothing is applied. */
  failNext(count: number, status: number): void
  /** Stops listening and drops open connections. */
  close(): Promise<void>
}

interface Reply {
  status: number
  body?: unknown
}

/** A remembered answer to an idempotent write, with the request it answered. */
interface Remembered {
  fingerprint: string
  reply: Reply
}

const MAX_BODY_BYTES = 1_000_000

/** Starts the backend on 127.0.0.1, on a free port. */
export function startServer(options: DemoServerOptions = {}): Promise<DemoServer> {
  const tables = new Map<string, Map<string, ServerRecord>>()
  const answered = new Map<string, Remembered>()
  const served: ServedRequest[] = []
  let injectedFailures: number[] = []
  let received = 0

  const table = (entity: string): Map<string, ServerRecord> => {
    let rows = tables.get(entity)
    if (!rows) tables.set(entity, (rows = new Map()))
    return rows
  }

  const notFound = (what: string): Reply => ({ status: 404, body: { message: `${what} not found` } })

  function route(method: string, segments: string[], body: unknown, ifMatch: string | null): Reply {
    const [entity, id, ...rest] = segments
    if (entity === undefined || rest.length > 0) return notFound('route')
    const rows = table(entity)

    if (id === undefined) {
      if (method === 'GET') return { status: 200, body: [...rows.values()] }
      if (method !== 'POST') return { status: 405, body: { message: `${method} is not allowed on /${entity}` } }
      if (!isObject(body) || (typeof body.id !== 'string' && typeof body.id !== 'number'))
        return { status: 400, body: { message: 'The record needs an "id" (a string or a number).' } }
      const current = rows.get(String(body.id))
      if (current) return { status: 409, body: current }
      const created: ServerRecord = { ...body, id: body.id, version: 1 }
      rows.set(String(created.id), created)
      return { status: 201, body: created }
    }

    const current = rows.get(id)
    if (method === 'GET') return current ? { status: 200, body: current } : notFound(`${entity} ${id}`)
    if (method !== 'PATCH' && method !== 'DELETE')
      return { status: 405, body: { message: `${method} is not allowed on /${entity}/${id}` } }
    if (!current) return notFound(`${entity} ${id}`)
    if (!matches(ifMatch, current.version)) return { status: 412, body: current }
    if (method === 'DELETE') {
      rows.delete(id)
      return { status: 204 }
    }
    if (!isObject(body)) return { status: 400, body: { message: 'The body must be a JSON merge patch object.' } }
    // The id and the version belong to the server: a patch cannot change them.
    const { id: _id, version: _version, ...changes } = body
    const updated: ServerRecord = { ...mergePatch(current, changes), id: current.id, version: current.version + 1 }
    rows.set(id, updated)
    return { status: 200, body: updated }
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    received += 1
    const method = request.method ?? 'GET'
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname
    const ifMatch = header(request, 'if-match')
    const idempotencyKey = method === 'GET' ? null : header(request, 'idempotency-key')
    const entry = { method, path, ifMatch, idempotencyKey, injected: false, replayed: false }

    const injected = injectedFailures.shift()
    if (injected !== undefined) {
      request.resume()
      return send(response, { ...entry, injected: true }, { status: injected, body: { message: `Injected ${injected} failure` } })
    }

    let body: unknown
    try {
      body = await readJson(request)
    } catch (error) {
      const status = error instanceof BodyTooLargeError ? 413 : 400
      return send(response, entry, { status, body: { message: error instanceof Error ? error.message : String(error) } })
    }

    const fingerprint = `${method} ${path}`
    const remembered = idempotencyKey === null ? undefined : answered.get(idempotencyKey)
    if (remembered) {
      if (remembered.fingerprint !== fingerprint)
        return send(response, entry, {
          status: 422,
          body: { message: `Idempotency-Key ${idempotencyKey} was used for ${remembered.fingerprint}, not ${fingerprint}.` },
        })
      return send(response, { ...entry, replayed: true }, remembered.reply)
    }

    const segments = path.split('/').filter(Boolean).map(decodeURIComponent)
    const reply = route(method, segments, body, ifMatch)
    // Server errors are worth trying again, so only answers below 500 are remembered. The body is a
    // snapshot: a later write must not change what a replay says.
    if (idempotencyKey !== null && reply.status < 500)
      answered.set(idempotencyKey, { fingerprint, reply: { ...reply, body: structuredClone(reply.body) } })
    return send(response, entry, reply)
  }

  function send(response: ServerResponse, entry: Omit<ServedRequest, 'status' | 'version'>, reply: Reply): void {
    const version = isObject(reply.body) && typeof reply.body.version === 'number' ? reply.body.version : null
    const headers: Record<string, string> = {}
    if (version !== null) headers.ETag = `"${version}"`
    if (reply.body === undefined) response.writeHead(reply.status, headers).end()
    else response.writeHead(reply.status, { ...headers, 'Content-Type': 'application/json' }).end(JSON.stringify(reply.body))
    const record: ServedRequest = { ...entry, status: reply.status, version }
    served.push(record)
    options.onRequest?.(record)
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'Content-Type': 'application/json' })
      response.end(JSON.stringify({ message: error instanceof Error ? error.message : String(error) }))
    })
  })

  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject)
      const { port } = server.address() as AddressInfo
      resolve({
        url: `http://127.0.0.1:${port}`,
        records: (entity) => structuredClone([...table(entity).values()]),
        requestCount: () => received,
        requests: () => served.map((request) => ({ ...request })),
        failNext(count, status) {
          if (!Number.isInteger(count) || count < 0) throw new TypeError(`failNext: count must be an integer ≥ 0, got ${count}.`)
          if (!Number.isInteger(status) || status < 400 || status > 599)
            throw new TypeError(`failNext: status must be an HTTP error status (400–599), got ${status}.`)
          injectedFailures = [...injectedFailures, ...Array.from({ length: count }, () => status)]
        },
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()))
            // fetch keeps connections alive; without this, close would wait for them to time out.
            server.closeAllConnections()
          }),
      })
    })
  })
}

class BodyTooLargeError extends Error {
  constructor() {
    super(`The request body is larger than ${MAX_BODY_BYTES} bytes.`)
    this.name = 'BodyTooLargeError'
  }
}

function header(request: IncomingMessage, name: string): string | null {
  const value = request.headers[name]
  return typeof value === 'string' ? value : null
}

/** The parsed JSON body, or undefined when there is none. */
async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk))
    size += buffer.length
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError()
    chunks.push(buffer)
  }
  const text = Buffer.concat(chunks).toString('utf8')
  if (text.trim() === '') return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw new Error('The request body is not valid JSON.')
  }
}

/** `If-Match` absent or `*` always matches; otherwise one of its entity tags must name the version. */
function matches(ifMatch: string | null, version: number): boolean {
  if (ifMatch === null || ifMatch.trim() === '*') return true
  return ifMatch
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1'))
    .includes(String(version))
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** RFC 7386: `null` removes a field, objects merge, anything else replaces. */
function mergePatch(target: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = { ...target }
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key]
    else if (isObject(value)) {
      const existing = result[key]
      result[key] = mergePatch(isObject(existing) ? existing : {}, value)
    }
    else result[key] = value
  }
  return result
}
