import { build } from 'esbuild'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))

/** The quick start's imports bundled as an app bundler would, with NODE_ENV set as given. */
async function quickStartBundle(nodeEnv: string): Promise<string> {
  const result = await build({
    stdin: {
      contents: "export { createSyncedEntity, createOfflineSync, createRestAdapter } from './src/index.ts'",
      resolveDir: root,
      loader: 'ts',
      sourcefile: 'app.ts',
    },
    bundle: true,
    format: 'esm',
    minify: true,
    write: false,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': JSON.stringify(nodeEnv) },
    external: ['@reduxjs/toolkit'],
  })
  return result.outputFiles[0]!.text
}

/** One message of each option check that runs in development only (as Redux Toolkit's own checks do). */
const devOnlyMessages = [
  'is a required option for createSyncedEntity',
  'is a required option for createOfflineSync',
  'createRestAdapter needs a `baseUrl` string',
  'reducer without being queued',
  "option must be a function; leave it out to use the default",
  'names must be unique',
  'circuitBreaker.failureThreshold',
]

describe('setup checks in a production build', () => {
  it('development builds keep every option check and its message', async () => {
    const text = await quickStartBundle('development')
    for (const message of devOnlyMessages) expect(text.includes(message), message).toBe(true)
  })

  it('NODE_ENV=production drops the option checks and their messages, and keeps the checks that guard data', async () => {
    const text = await quickStartBundle('production')
    for (const message of devOnlyMessages) expect(text.includes(message), message).toBe(false)
    // Not programmer errors only: a second persistence of one store, a conflict already resolved elsewhere.
    expect(text.includes('was already called for this store')).toBe(true)
    expect(text.includes('no open conflict has the id')).toBe(true)
  })
})
