import { fileURLToPath } from 'node:url'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'
import { syncServerPlugin } from './server/syncServerPlugin'

// The app names rtk-offline by the package's public entry points. The dev server (`npm start`) maps them
// to the library's source, so it starts without a build and an edit to src/ reloads the page; a build
// (`vite build`, as the e2e tests run it) takes the package's built files, as a user's app would (run
// `npm run build` at the repository root first).
const source = (file: string) => fileURLToPath(new URL(`../../src/${file}.ts`, import.meta.url))
const built = (file: string) => fileURLToPath(new URL(`../../dist/${file}.js`, import.meta.url))

export default defineConfig(({ command, mode }) => {
  const entry = command === 'serve' ? source : built
  return {
    root: fileURLToPath(new URL('.', import.meta.url)),
    // The sync server (rtk-offline/server on PGlite) runs in the dev and preview servers; not in `--mode mock`.
    plugins: [react(), syncServerPlugin()],
    resolve: {
      alias: [
        { find: /^rtk-offline\/react$/, replacement: entry('react/index') },
        { find: /^rtk-offline\/msw$/, replacement: entry('msw/index') },
        { find: /^rtk-offline\/persist$/, replacement: entry('persist/index') },
        { find: /^rtk-offline$/, replacement: entry('index') },
      ],
    },
    build: {
      // Out of the source tree, so lint, tsc and git never see the built files.
      outDir: fileURLToPath(new URL(`../../node_modules/.cache/rtk-offline-react-app-${mode}`, import.meta.url)),
      emptyOutDir: true,
      // In the mock mode MSW, the in-page mock server, is most of the bundle; a real app would not ship it.
      chunkSizeWarningLimit: 1000,
    },
    server: { host: '127.0.0.1' },
    preview: { host: '127.0.0.1' },
  }
})
