import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { BenchDatabase } from './referenceServerApi'
import type { SyncControlMessage, SyncServerStats } from './syncServerChild'

export interface SyncBenchServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  readonly database: BenchDatabase
  /** Empties the server's tables and its request counters. */
  reset(): Promise<void>
  /** Writes `todos` records of `scope` straight into the server's tables (fast set-up; see referenceServerApi.ts). */
  seed(scope: string, records: readonly Record<string, unknown>[]): Promise<void>
  /** Refreshes the database's planner statistics (`ANALYZE`), as autovacuum would in a running PostgreSQL. */
  analyze(): Promise<void>
  stats(): Promise<SyncServerStats>
  close(): Promise<void>
}

/**
 * Forks the reference server (bench/server/syncServerChild.ts) on `database` and resolves once it
 * listens. The child closes its database and exits when this process goes away.
 */
export async function startSyncServer(options: { database: BenchDatabase; latencyMs: number }): Promise<SyncBenchServer> {
  const env: NodeJS.ProcessEnv = { ...process.env, BENCH_LATENCY_MS: String(options.latencyMs) }
  if (options.database.kind === 'postgres') env.BENCH_DB = options.database.url
  else delete env.BENCH_DB
  const child = fork(fileURLToPath(new URL('./syncServerChild.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    env,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const waiting = new Map<number, (reply: Record<string, unknown>) => void>()
  let nextId = 1
  let exited = false

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('bench: the sync server did not start within 60 s')), 60_000)
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`bench: the sync server exited with ${code} before listening`)))
    child.on('message', (message: { type?: string; port?: number; id?: number }) => {
      if (message.type === 'ready' && typeof message.port === 'number') {
        clearTimeout(timer)
        resolve(message.port)
      } else if (typeof message.id === 'number') {
        waiting.get(message.id)?.(message as Record<string, unknown>)
        waiting.delete(message.id)
      }
    })
  })
  child.removeAllListeners('exit')
  child.on('exit', () => {
    exited = true
    for (const settle of waiting.values()) settle({ error: 'the sync server exited' })
    waiting.clear()
  })

  type Request = SyncControlMessage extends infer TMessage ? (TMessage extends { id: number } ? Omit<TMessage, 'id'> : never) : never
  const call = (message: Request): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      if (exited) return reject(new Error('bench: the sync server has exited'))
      const id = nextId++
      waiting.set(id, (reply) => (reply.error ? reject(new Error(String(reply.error))) : resolve(reply)))
      child.send({ ...message, id })
    })

  return {
    url: `http://127.0.0.1:${port}`,
    database: options.database,
    reset: async () => void (await call({ type: 'reset' })),
    seed: async (scope, records) => void (await call({ type: 'seed', scope, records: records as Record<string, unknown>[] })),
    analyze: async () => void (await call({ type: 'analyze' })),
    stats: async () => (await call({ type: 'stats' })).stats as SyncServerStats,
    close: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve()
        child.once('exit', () => resolve())
        // Disconnecting lets the child close its database (a PostgreSQL pool) before it exits.
        child.disconnect()
        setTimeout(() => child.kill(), 10_000).unref()
      }),
  }
}
