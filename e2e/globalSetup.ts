import { execSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { build, preview, type PreviewServer } from 'vite'
import type { TestProject } from 'vitest/node'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the example app built on the mock backend (`--mode mock`) is served, e.g. http://127.0.0.1:41234/ */
    appUrl: string
    /** Where the example app built on the sync server is served, with the server (PGlite in memory) at /api. */
    serverAppUrl: string
  }
}

const repo = fileURLToPath(new URL('..', import.meta.url))
const appConfig = fileURLToPath(new URL('../examples/react-app/vite.config.ts', import.meta.url))

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

/** The built files the app imports, as the package's exports name them. */
const builtEntries = ['dist/index.js', 'dist/react/index.js', 'dist/msw/index.js', 'dist/persist/index.js', 'dist/server/index.js']

/**
 * Builds the library and the example app as a user would (`npm run build`, then Vite on the built
 * package), twice: on the mock backend (`--mode mock`) and on the sync server; serves each on 127.0.0.1
 * on a free port (the server build with rtk-offline/server in the preview server) and hands the URLs to
 * the tests.
 * `E2E_SKIP_LIB_BUILD=1` uses the library built last (the app is always built).
 */
export default async function setup(project: TestProject) {
  if (!process.env.E2E_SKIP_LIB_BUILD) execSync('npm run build', { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'] })
  const missing = builtEntries.filter((file) => !existsSync(`${repo}${file}`))
  if (missing.length > 0)
    throw new Error(`The library build has no ${missing.join(', ')}: tsup.config.ts must list every entry of package.json's exports.`)
  // A fresh, in-memory database for every run: the server cases start from an empty server.
  process.env.RTK_OFFLINE_EXAMPLE_DATA = 'memory'
  const servers: PreviewServer[] = []
  for (const mode of ['mock', 'production'] as const) {
    await build({ configFile: appConfig, mode, logLevel: 'warn' })
    const port = await freePort()
    const server = await preview({ configFile: appConfig, mode, logLevel: 'warn', preview: { host: '127.0.0.1', port, strictPort: true } })
    servers.push(server)
    project.provide(mode === 'mock' ? 'appUrl' : 'serverAppUrl', server.resolvedUrls?.local[0] ?? `http://127.0.0.1:${port}/`)
  }
  return async () => {
    for (const server of servers) await server.close()
  }
}
