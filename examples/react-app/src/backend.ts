import { setupWorker } from 'msw/browser'
import { createMockBackend, createWebStorage } from 'rtk-offline/msw'
import { apiBaseUrl } from './model'

const storageKey = 'rtk-offline-example/backend'

/**
 * The app's "server": rtk-offline's mock REST backend, served by MSW's service worker in this page. Its
 * data lives in localStorage, so it survives reloads and every tab of the app sees the same server:
 * each tab's backend answers that tab's requests, loading what the others saved before each one.
 * Latency, failures to inject and the request log belong to the tab.
 */
export const backend = createMockBackend({
  baseUrl: apiBaseUrl,
  storage: createWebStorage(storageKey),
})

/** `?latency=1000` starts the server slow, to watch the first pull's progress bar. */
export const initialLatency = Math.min(60_000, Math.max(0, Number(new URLSearchParams(location.search).get('latency')) || 0))
backend.setLatency(initialLatency)

const listeners = new Set<() => void>()
let revision = 0

/** Tells the server panel that the backend's data or request log changed. */
export function backendChanged(): void {
  revision++
  for (const listener of [...listeners]) listener()
}

export const backendStore = {
  subscribe(listener: () => void) {
    listeners.add(listener)
    return () => void listeners.delete(listener)
  },
  getRevision: () => revision,
}

// Another tab's backend wrote the shared data: show it here too.
window.addEventListener('storage', (event) => {
  if (event.key === storageKey || event.key === null) backendChanged()
})

/** Starts the service worker; resolves once requests to the API are answered by the backend. */
export async function startBackend(): Promise<void> {
  const worker = setupWorker(...backend.handlers)
  worker.events.on('request:start', backendChanged)
  worker.events.on('request:end', backendChanged)
  worker.events.on('response:mocked', backendChanged)
  await worker.start({ onUnhandledRequest: 'bypass', quiet: true })
}
