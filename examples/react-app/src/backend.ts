import { setupWorker } from 'msw/browser'
import { createMockBackend, createWebStorage } from 'rtk-offline/msw'
import { apiBaseUrl } from './model'

/**
 * The app's "server": rtk-offline's mock REST backend, served by MSW's service worker in this page. Its
 * data lives in localStorage, so it survives reloads.
 */
export const backend = createMockBackend({
  baseUrl: apiBaseUrl,
  storage: createWebStorage('rtk-offline-example/backend'),
})

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

/** Starts the service worker; resolves once requests to the API are answered by the backend. */
export async function startBackend(): Promise<void> {
  const worker = setupWorker(...backend.handlers)
  worker.events.on('request:start', backendChanged)
  worker.events.on('request:end', backendChanged)
  worker.events.on('response:mocked', backendChanged)
  await worker.start({ onUnhandledRequest: 'bypass', quiet: true })
}
