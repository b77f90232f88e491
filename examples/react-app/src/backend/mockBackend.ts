import { setupWorker } from 'msw/browser'
import { createMockBackend, createWebStorage, type MockFailure } from 'rtk-offline/msw'
import { apiBaseUrl } from '../model'
import { backendChanged, initialLatency, type DemoBackend } from './demoBackend'

const storageKey = 'rtk-offline-example/backend'

/**
 * The app's "server": rtk-offline's mock REST backend, served by MSW's service worker in this page. Its
 * data lives in localStorage, so it survives reloads and every tab of the app sees the same server:
 * each tab's backend answers that tab's requests, loading what the others saved before each one.
 * Latency, failures to inject and the request log belong to the tab.
 */
const mock = createMockBackend({
  baseUrl: apiBaseUrl,
  storage: createWebStorage(storageKey),
  // Orders are numbered by the server, as on the sync server; items keep the ids the app makes.
  assignIds: ['orders'],
})
mock.setLatency(initialLatency)

const writeMethods = ['POST', 'PATCH', 'DELETE']

export const mockBackend: DemoBackend = {
  kind: 'mock',
  get requests() {
    return mock.requests
  },
  records: (entity) => mock.records(entity) as ReturnType<DemoBackend['records']>,
  seed: (entity, records) => mock.seed(entity, records),
  editRemote: (entity, id, changes) => void mock.editRemote(entity, id, changes),
  deleteRemote: (entity, id) => mock.deleteRemote(entity, id),
  setLatency: (ms) => mock.setLatency(ms),
  failNext(count, failure, { writesOnly, retryAfter, body }) {
    mock.failNext(count, failure as MockFailure, {
      ...(retryAfter === undefined ? {} : { retryAfter }),
      ...(body === undefined ? {} : { body }),
      ...(writesOnly ? { methods: writeMethods } : {}),
    })
  },
  reset: async () => mock.reset(),
  running: true,
  start: startBackend,
}

// Another tab's backend wrote the shared data: show it here too.
window.addEventListener('storage', (event) => {
  if (event.key === storageKey || event.key === null) backendChanged()
})

/** Starts the service worker; resolves once requests to the API are answered by the backend. */
async function startBackend(): Promise<void> {
  const worker = setupWorker(...mock.handlers)
  worker.events.on('request:start', backendChanged)
  worker.events.on('request:end', backendChanged)
  worker.events.on('response:mocked', backendChanged)
  await worker.start({ onUnhandledRequest: 'bypass', quiet: true })
}
