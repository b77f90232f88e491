import { fileURLToPath } from 'node:url'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'
import { syncServerPlugin } from './server/syncServerPlugin'

// The app uses rtk-offline as a user would: the package's built files (run `npm run build` at the
// repository root first), named by the package's public entry points.
const dist = (file: string) => fileURLToPath(new URL(`../../dist/${file}`, import.meta.url))

export default defineConfig(({ mode }) => ({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // The sync server (rtk-offline/server on PGlite) runs in the dev and preview servers; not in `--mode mock`.
  plugins: [react(), syncServerPlugin()],
  resolve: {
    alias: [
      { find: /^rtk-offline\/react$/, replacement: dist('react/index.js') },
      { find: /^rtk-offline\/msw$/, replacement: dist('msw/index.js') },
      { find: /^rtk-offline\/persist$/, replacement: dist('persist/index.js') },
      { find: /^rtk-offline$/, replacement: dist('index.js') },
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
}))
