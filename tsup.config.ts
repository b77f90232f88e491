import { readFile, writeFile } from 'node:fs/promises'
import { defineConfig } from 'tsup'

/**
 * Puts `"use client"` at the top of a built file, so React Server Components (Next.js's App Router) treat
 * the hooks and components as client code. Written after the build because the bundler drops module-level
 * directives; its source map gets one empty line in front (a leading `;`), so it still points right.
 */
async function markClientOnly(file: string): Promise<void> {
  const code = await readFile(file, 'utf8')
  if (code.startsWith('"use client";')) return
  await writeFile(file, `"use client";\n${code}`)
  const map = JSON.parse(await readFile(`${file}.map`, 'utf8')) as { mappings: string }
  map.mappings = `;${map.mappings}`
  await writeFile(`${file}.map`, JSON.stringify(map))
}

export default defineConfig({
  // One entry per public subpath: the core, the React bindings, opt-in persistence, the MSW test kit, the server.
  entry: {
    index: 'src/index.ts',
    'react/index': 'src/react/index.ts',
    'persist/index': 'src/persist/index.ts',
    'msw/index': 'src/msw/index.ts',
    // Moving from redux-offline: its `meta.offline` actions on our outbox, and the persisted-outbox importer.
    'redux-offline/index': 'src/reduxOffline/index.ts',
    // RTK Query mutations of the endpoints an app lists, queued in the outbox (issue 12's fourth path).
    'query/index': 'src/query/index.ts',
    // Node only: the reference sync server. No other entry imports it, so it never reaches a browser bundle.
    'server/index': 'src/server/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  treeshake: true,
  target: 'es2022',
  // The subpaths import the core by its package name, so it stays one shared module for users.
  // rtk-offline/react is client code: hooks and components.
  async onSuccess() {
    await Promise.all(['dist/react/index.js', 'dist/react/index.cjs'].map(markClientOnly))
  },
  external: ['@reduxjs/toolkit', 'react', 'react-redux', 'msw', 'rtk-offline', 'localforage', 'hono', '@hono/node-server', 'pg', '@electric-sql/pglite'],
})
