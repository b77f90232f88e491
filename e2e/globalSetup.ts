import { execSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { build, preview } from 'vite'
import type { TestProject } from 'vitest/node'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the built example app is served, e.g. http://127.0.0.1:41234/ */
    appUrl: string
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
const builtEntries = ['dist/index.js', 'dist/react/index.js', 'dist/msw/index.js']

/**
 * Builds the library and the example app as a user would (`npm run build`, then Vite on the built
 * package), serves the app on 127.0.0.1 on a free port and hands its URL to the tests.
 * `E2E_SKIP_LIB_BUILD=1` uses the library built last (the app is always built).
 */
export default async function setup(project: TestProject) {
  if (!process.env.E2E_SKIP_LIB_BUILD) execSync('npm run build', { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'] })
  const missing = builtEntries.filter((file) => !existsSync(`${repo}${file}`))
  if (missing.length > 0)
    throw new Error(`The library build has no ${missing.join(', ')}: tsup.config.ts must list every entry of package.json's exports.`)
  await build({ configFile: appConfig, logLevel: 'warn' })
  const port = await freePort()
  const server = await preview({ configFile: appConfig, logLevel: 'warn', preview: { host: '127.0.0.1', port, strictPort: true } })
  const url = server.resolvedUrls?.local[0] ?? `http://127.0.0.1:${port}/`
  project.provide('appUrl', url)
  return async () => {
    await server.close()
  }
}
