import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: {
    // Examples and type tests import the package by name, as users do.
    alias: [
      { find: /^rtk-offline\/react$/, replacement: fileURLToPath(new URL('./src/react/index.ts', import.meta.url)) },
      { find: /^rtk-offline\/msw$/, replacement: fileURLToPath(new URL('./src/msw/index.ts', import.meta.url)) },
      { find: /^rtk-offline\/server$/, replacement: fileURLToPath(new URL('./src/server/index.ts', import.meta.url)) },
      { find: /^rtk-offline\/redux-offline$/, replacement: fileURLToPath(new URL('./src/reduxOffline/index.ts', import.meta.url)) },
      { find: /^rtk-offline\/query$/, replacement: fileURLToPath(new URL('./src/query/index.ts', import.meta.url)) },
      { find: /^rtk-offline\/persist$/, replacement: fileURLToPath(new URL('./src/persist/index.ts', import.meta.url)) },
      { find: /^rtk-offline$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
    ],
  },
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'] },
    coverage: {
      provider: 'v8',
      include: ['src/**/*.{ts,tsx}'],
      exclude: ['src/**/types.ts', 'src/**/index.ts'],
      reporter: ['text-summary', 'text'],
      thresholds: { lines: 90 },
    },
  },
})
