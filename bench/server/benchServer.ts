/**
 * The drain benchmark's backend: node:http in its own child process, on 127.0.0.1 and a free port,
 * answering every request after an added delay (1 ms by default) so each contestant pays the same
 * round trip. Started by `startBenchServer` with `child_process.fork`; steered over IPC.
 *
 * Routes (what `createRestAdapter` and redux-offline's default effect send):
 * - `POST /{entity}`: 201 with the record at version 1 (409 with the current record when the id exists).
 * - `PATCH /{entity}/{id}`: JSON merge patch of top-level fields, version + 1, 200 with the record;
 *   `If-Match` naming another version is a 412 with the current record; unknown id 404.
 * - `DELETE /{entity}/{id}`: 204; unknown id 404.
 * - `GET /{entity}/{id}`: the record, or 404.
 *
 * IPC messages (each answered with `{ id, ...result }`): `reset` (drop every record and counter),
 * `seed` (`{ entity, records }`, stored as they are), `stats` (request and status counts, and per entity
 * the number of records and the sum of their `n` fields, which the workloads check against what they sent).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

type ServerRecord = Record<string, unknown> & { id: string; version: number }

export type ControlMessage =
  | { id: number; type: 'reset' }
  | { id: number; type: 'seed'; entity: string; records: ServerRecord[] }
  | { id: number; type: 'stats' }

export interface ServerStats {
  requests: number
  byStatus: Record<string, number>
  byMethod: Record<string, number>
  entities: Record<string, { records: number; sumN: number }>
}

const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? '1')
const tables = new Map<string, Map<string, ServerRecord>>()
let requests = 0
let byStatus: Record<string, number> = {}
let byMethod: Record<string, number> = {}

function table(entity: string): Map<string, ServerRecord> {
  let rows = tables.get(entity)
  if (!rows) tables.set(entity, (rows = new Map()))
  return rows
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function versionMatches(ifMatch: string | undefined, version: number): boolean {
  if (ifMatch === undefined || ifMatch.trim() === '*') return true
  return ifMatch
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1'))
    .includes(String(version))
}

function route(method: string, path: string, body: unknown, ifMatch: string | undefined): { status: number; body?: unknown } {
  const [entity, rawId, ...rest] = path.split('/').filter(Boolean)
  if (entity === undefined || rest.length > 0) return { status: 404, body: { message: 'no such route' } }
  const rows = table(entity)
  if (rawId === undefined) {
    if (method !== 'POST') return { status: 405, body: { message: `${method} /${entity}` } }
    if (!isObject(body) || typeof body.id !== 'string') return { status: 400, body: { message: 'a record with a string id' } }
    const current = rows.get(body.id)
    if (current) return { status: 409, body: current }
    const created: ServerRecord = { ...body, id: body.id, version: 1 }
    rows.set(created.id, created)
    return { status: 201, body: created }
  }
  const id = decodeURIComponent(rawId)
  const current = rows.get(id)
  if (!current) return { status: 404, body: { message: `${entity} ${id} not found` } }
  if (method === 'GET') return { status: 200, body: current }
  if (!versionMatches(ifMatch, current.version)) return { status: 412, body: current }
  if (method === 'DELETE') {
    rows.delete(id)
    return { status: 204 }
  }
  if (method !== 'PATCH' || !isObject(body)) return { status: 400, body: { message: `${method} /${entity}/${id} with ${typeof body}` } }
  const updated: ServerRecord = { ...current, id: current.id, version: current.version + 1 }
  for (const [field, value] of Object.entries(body)) {
    if (field === 'id' || field === 'version') continue
    if (value === null) delete updated[field]
    else updated[field] = value
  }
  rows.set(id, updated)
  return { status: 200, body: updated }
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  const text = Buffer.concat(chunks).toString('utf8')
  return text === '' ? undefined : (JSON.parse(text) as unknown)
}

function answer(response: ServerResponse, method: string, status: number, body: unknown): void {
  byStatus[status] = (byStatus[status] ?? 0) + 1
  byMethod[method] = (byMethod[method] ?? 0) + 1
  setTimeout(() => {
    if (body === undefined) response.writeHead(status).end()
    else response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body))
  }, latencyMs)
}

const server = createServer((request, response) => {
  requests += 1
  const method = request.method ?? 'GET'
  const ifMatch = typeof request.headers['if-match'] === 'string' ? request.headers['if-match'] : undefined
  readBody(request).then(
    (body) => {
      const reply = route(method, new URL(request.url ?? '/', 'http://127.0.0.1').pathname, body, ifMatch)
      answer(response, method, reply.status, reply.body)
    },
    (error: unknown) => answer(response, method, 400, { message: String(error) }),
  )
})

function stats(): ServerStats {
  const entities: ServerStats['entities'] = {}
  for (const [entity, rows] of tables) {
    let sumN = 0
    for (const record of rows.values()) sumN += typeof record.n === 'number' ? record.n : 0
    entities[entity] = { records: rows.size, sumN }
  }
  return { requests, byStatus, byMethod, entities }
}

process.on('message', (message: ControlMessage) => {
  switch (message.type) {
    case 'reset':
      tables.clear()
      requests = 0
      byStatus = {}
      byMethod = {}
      process.send?.({ id: message.id })
      break
    case 'seed':
      for (const record of message.records) table(message.entity).set(record.id, { ...record })
      process.send?.({ id: message.id })
      break
    case 'stats':
      process.send?.({ id: message.id, stats: stats() })
      break
  }
})
// The parent going away (even killed) closes the IPC channel: leave with it.
process.on('disconnect', () => process.exit(0))

// Idle keep-alive sockets stay open between runs: closing them (the 5 s default) races with a client
// reusing one, and a request lost that way is a network error that redux-offline's default discard drops.
server.keepAliveTimeout = 600_000
server.headersTimeout = 601_000

server.listen(0, '127.0.0.1', () => {
  process.send?.({ type: 'ready', port: (server.address() as AddressInfo).port })
})
