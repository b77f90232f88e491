import { defineConfig } from 'tsup'

export default defineConfig({
  // One entry per public subpath: the core, the React bindings, opt-in persistence, the MSW test kit, the server.
  entry: {
    index: 'src/index.ts',
    'react/index': 'src/react/index.ts',
    'persist/index': 'src/persist/index.ts',
    'msw/index': 'src/msw/index.ts',
    // Moving from redux-offline: its `meta.offline` actions on our outbox, and the persisted-outbox importer.
    'redux-offline/index': 'src/reduxOffline/index.ts',
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
  external: ['@reduxjs/toolkit', 'react', 'react-redux', 'msw', 'rtk-offline', 'localforage', 'hono', '@hono/node-server', 'pg', '@electric-sql/pglite'],
})
