import type { DemoBackend } from './demoBackend'

export { backendChanged, backendStore, initialLatency, type DemoBackend, type PanelRequest } from './demoBackend'

/**
 * Which backend the app runs on: rtk-offline's sync server (`npm start`), or the mock REST backend in
 * the page (`npm run start:mock`, Vite's `--mode mock`). The mode is fixed at build time, so a server
 * build carries no MSW and a mock build no server client.
 */
export const backendMode: 'server' | 'mock' = import.meta.env.MODE === 'mock' ? 'mock' : 'server'

/** Loads the backend of this build's mode and starts it; resolves once its API answers. */
export async function startBackend(): Promise<DemoBackend> {
  const backend =
    backendMode === 'mock' ? (await import('./mockBackend')).mockBackend : (await import('./serverBackend')).serverBackend
  await backend.start()
  current = backend
  return backend
}

let current: DemoBackend | null = null

/** The backend {@link startBackend} started (the app renders only after that). */
export function backend(): DemoBackend {
  if (!current) throw new Error('The backend is not started yet: main.tsx starts it before rendering the app.')
  return current
}
