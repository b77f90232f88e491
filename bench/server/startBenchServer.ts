import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { ControlMessage, ServerStats } from './benchServer'

type Request = ControlMessage extends infer TMessage ? (TMessage extends { id: number } ? Omit<TMessage, 'id'> : never) : never

export interface BenchServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  reset(): Promise<void>
  seed(entity: string, records: readonly Record<string, unknown>[]): Promise<void>
  stats(): Promise<ServerStats>
  close(): Promise<void>
}

/** Forks the benchmark backend (bench/server/benchServer.ts) and resolves once it listens. */
export async function startBenchServer(options: { latencyMs: number }): Promise<BenchServer> {
  const child = fork(fileURLToPath(new URL('./benchServer.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_LATENCY_MS: String(options.latencyMs) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const waiting = new Map<number, (reply: Record<string, unknown>) => void>()
  let nextId = 1
  let exited = false

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('bench: the benchmark server did not start within 20 s')), 20_000)
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`bench: the benchmark server exited with ${code} before listening`)))
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
    for (const settle of waiting.values()) settle({ error: 'the benchmark server exited' })
    waiting.clear()
  })

  const call = (message: Request): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      if (exited) return reject(new Error('bench: the benchmark server has exited'))
      const id = nextId++
      waiting.set(id, (reply) => (reply.error ? reject(new Error(String(reply.error))) : resolve(reply)))
      child.send({ ...message, id })
    })

  return {
    url: `http://127.0.0.1:${port}`,
    reset: async () => void (await call({ type: 'reset' })),
    seed: async (entity, records) => void (await call({ type: 'seed', entity, records: records as never })),
    stats: async () => (await call({ type: 'stats' })).stats as ServerStats,
    close: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve()
        child.once('exit', () => resolve())
        child.kill()
      }),
  }
}
