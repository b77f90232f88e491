import type { DemoState, FailNextBody } from '../demoProtocol'
import { backendChanged, initialLatency, type DemoBackend, type PanelRequest } from './demoBackend'

/**
 * The server panel's view of rtk-offline's sync server (`npm start`): the demo gateway in the Vite
 * server (server/demoGateway.ts) reports its state at `/__demo/state` and says when it changed on
 * `/__demo/events`; the controls are small requests to it. The app itself talks to the sync server at
 * `/api` with `createSyncProtocolAdapter`, never through this.
 */
let state: DemoState = {
  running: true,
  latencyMs: 0,
  failuresQueued: 0,
  requests: [],
  records: { items: [], orders: [] },
  revision: -1,
}
let requests: PanelRequest[] = []

async function send(method: string, path: string, body?: unknown): Promise<void> {
  await fetch(`/__demo${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
  })
}

let refreshing: Promise<void> | null = null
let again = false

/** Reads the gateway's state once more (one read at a time; asks meanwhile make one more). */
function refresh(): Promise<void> {
  if (refreshing) {
    again = true
    return refreshing
  }
  refreshing = (async () => {
    do {
      again = false
      const response = await fetch('/__demo/state').catch(() => null)
      if (!response?.ok) continue
      state = (await response.json()) as DemoState
      requests = state.requests.map((request) => ({ ...request, status: request.status ?? undefined, idempotencyKey: null, replayed: false }))
      backendChanged()
    } while (again)
  })().finally(() => (refreshing = null))
  return refreshing
}

/** Follows the gateway's change events; reconnects after a drop (the dev server restarting, say). */
async function follow(): Promise<void> {
  for (;;) {
    try {
      const response = await fetch('/__demo/events')
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader()
      for (;;) {
        const { done } = await reader.read()
        if (done) break
        void refresh()
      }
    } catch {
      // The gateway went away; try again shortly.
    }
    await new Promise((resolve) => setTimeout(resolve, 1000))
  }
}

const control = (method: string, path: string, body?: unknown) => void send(method, path, body).then(refresh)

export const serverBackend: DemoBackend = {
  kind: 'server',
  get requests() {
    return requests
  },
  records: (entity) => (state.records[entity as keyof DemoState['records']] ?? []) as ReturnType<DemoBackend['records']>,
  seed: (entity, records) => control('POST', `/records/${entity}`, records),
  editRemote: (entity, id, changes) => control('PATCH', `/records/${entity}/${encodeURIComponent(String(id))}`, changes),
  deleteRemote: (entity, id) => control('DELETE', `/records/${entity}/${encodeURIComponent(String(id))}`),
  setLatency: (ms) => control('POST', '/latency', { ms }),
  failNext(count, kind, options) {
    const body: FailNextBody & { count: number } = { count, kind, ...options }
    control('POST', '/fail', body)
  },
  async reset() {
    await send('POST', '/reset')
    await refresh()
  },
  get running() {
    return state.running
  },
  setRunning: (running) => control('POST', '/server', { running }),
  async start() {
    if (initialLatency > 0) await send('POST', '/latency', { ms: initialLatency })
    await refresh()
    void follow()
  },
}
