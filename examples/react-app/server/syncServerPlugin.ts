import { fileURLToPath } from 'node:url'
import type { Plugin } from 'vite'
import { createDemoGateway, type DemoGateway } from './demoGateway'

/**
 * Where the server keeps its data: `RTK_OFFLINE_EXAMPLE_DATA` (a folder, or `memory` for none, as the
 * e2e tests use), else `.data/` beside the app (git-ignored), so a restart of `npm start` keeps it.
 */
function dataDir(): string | undefined {
  const setting = process.env.RTK_OFFLINE_EXAMPLE_DATA
  if (setting === 'memory') return undefined
  return setting ?? fileURLToPath(new URL('../.data', import.meta.url))
}

/**
 * Runs rtk-offline's sync server inside Vite's dev and preview servers, so `npm start` is one process:
 * the app at `/`, the sync server at `/api`, the demo's controls at `/__demo`. Skipped in the `mock` mode
 * (`npm run start:mock`), whose backend lives in the page.
 */
export function syncServerPlugin(): Plugin {
  let mode = 'development'
  let gateway: Promise<DemoGateway> | null = null
  const mount = (server: { middlewares: { use(handler: DemoGateway['middleware']): void }; httpServer: { once(event: 'close', listener: () => void): void } | null }) => {
    if (mode === 'mock') return
    gateway ??= createDemoGateway({ dataDir: dataDir() })
    const ready = gateway
    server.middlewares.use((request, response, next) => {
      ready.then((started) => started.middleware(request, response, next), next)
    })
    server.httpServer?.once('close', () => void ready.then((started) => started.close()))
  }
  return {
    name: 'rtk-offline-sync-server',
    configResolved(config) {
      mode = config.mode
    },
    configureServer: mount,
    configurePreviewServer: mount,
  }
}
