import { forkServer } from './forkServer'
import type { ControlMessage, ServerStats } from './benchServer'

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
  const server = await forkServer<ControlMessage>({
    file: new URL('./benchServer.ts', import.meta.url),
    env: { ...process.env, BENCH_LATENCY_MS: String(options.latencyMs) },
    name: 'benchmark server',
    startTimeoutMs: 20_000,
  })
  const call = server.call

  return {
    url: `http://127.0.0.1:${server.port}`,
    reset: async () => void (await call({ type: 'reset' })),
    seed: async (entity, records) => void (await call({ type: 'seed', entity, records: records as never })),
    stats: async () => (await call({ type: 'stats' })).stats as ServerStats,
    close: () => server.close(),
  }
}
