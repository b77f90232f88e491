/**
 * The server benchmarks' backend: rtk-offline's reference server (`rtk-offline/server`, from dist/) in
 * its own child process, so it has its own core, on 127.0.0.1 and a free port, over PGlite in memory
 * (BENCH_DB unset) or the PostgreSQL at BENCH_DB. Every answer is held back BENCH_LATENCY_MS (1 ms by
 * default), as the drain workload's bench server does, so each request pays the same round trip.
 * Started by `startSyncServer` with `child_process.fork`; steered over IPC.
 *
 * IPC messages (each answered with `{ id, ...result }`): `reset` (empty the server's tables and the
 * counters), `stats` (requests by status and by route, and the `todos` digest: live records and the sum
 * of their `n` fields).
 */
import type { AddressInfo } from 'node:net'
import { openDatabase, serveReferenceServer } from './referenceServerApi'

export type SyncControlMessage =
  | { id: number; type: 'reset' }
  | { id: number; type: 'stats' }
  | { id: number; type: 'analyze' }
  | { id: number; type: 'seed'; scope: string; records: Record<string, unknown>[] }

export interface SyncServerStats {
  requests: number
  byStatus: Record<string, number>
  /** `POST /sync/push`, `PATCH /todos/:id`… */
  byRoute: Record<string, number>
  todos: { records: number; sumN: number }
}

const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? '1')
const databaseUrl = process.env.BENCH_DB
let requests = 0
let byStatus: Record<string, number> = {}
let byRoute: Record<string, number> = {}

const routeOf = (request: Request): string => {
  const [first, second] = new URL(request.url).pathname.split('/').filter(Boolean)
  return `${request.method} /${first ?? ''}${second === undefined ? '' : first === 'sync' ? `/${second}` : '/:id'}`
}
const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

const db = await openDatabase(databaseUrl ? { kind: 'postgres', url: databaseUrl } : { kind: 'pglite' })
const listening = await serveReferenceServer(db, (fetch) => async (request) => {
  requests += 1
  const route = routeOf(request)
  byRoute[route] = (byRoute[route] ?? 0) + 1
  const response = await fetch(request)
  byStatus[response.status] = (byStatus[response.status] ?? 0) + 1
  if (latencyMs > 0) await delay(latencyMs)
  return response
})

process.on('message', (message: SyncControlMessage) => {
  const reply = (result: Record<string, unknown>) => process.send?.({ id: message.id, ...result })
  const fail = (error: unknown) => reply({ error: String(error) })
  switch (message.type) {
    case 'reset':
      db.reset().then(() => {
        requests = 0
        byStatus = {}
        byRoute = {}
        reply({})
      }, fail)
      break
    case 'seed':
      db.seed(message.scope, 'todos', message.records).then(() => reply({}), fail)
      break
    case 'analyze':
      db.analyze().then(() => reply({}), fail)
      break
    case 'stats':
      db.digest('todos').then((todos) => reply({ stats: { requests, byStatus, byRoute, todos } satisfies SyncServerStats }), fail)
      break
  }
})

// The parent going away (even killed) closes the IPC channel: close the database and leave.
process.on('disconnect', () => {
  void listening
    .close()
    .then(() => db.close())
    .finally(() => process.exit(0))
})

process.send?.({ type: 'ready', port: listening.port } satisfies { type: string; port: AddressInfo['port'] })
