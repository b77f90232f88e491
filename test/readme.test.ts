import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import * as coreApi from '../src'
import * as persistApi from '../src/persist'

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')

describe('README', () => {
  it('shows the quick start exactly as examples/quick-start.ts, which tsc checks', () => {
    const quickStart = readFileSync(new URL('../examples/quick-start.ts', import.meta.url), 'utf8')
    const section = readme.slice(readme.indexOf('## Quick start'))
    const block = section.slice(section.indexOf('```ts\n') + 6, section.indexOf('\n```', section.indexOf('```ts\n')) + 1)
    expect(block).toBe(quickStart)
  })

  it('names the set-up commands', () => {
    expect(readme).toContain('npm ci')
    expect(readme).toContain('npm test')
    expect(readme).toContain('npm start')
  })

  it('documents every factory and action the package exports', () => {
    const publicApi = { ...coreApi, ...persistApi }
    const documented = ['createSyncedEntity', 'createPersistence', 'createOfflineSync', 'createRestAdapter', 'createSyncProtocolAdapter', 'parseRetryAfter', 'createManualNetworkStatus', 'createBrowserNetworkStatus', 'encryptedStorage', 'deriveStorageKey', 'generateStorageKey', 'SyncStorageError', 'SyncDecryptionError', 'resolveConflict', 'pullNow', 'createSyncSelectors', 'mergeAsSet', 'sumCounters', 'maxValue', 'lastWriteWinsField', 'deepMerge', 'syncNow', 'pause', 'resume', 'retryFailed', 'discardFailed', 'dismissConflicts', 'networkChanged', 'syncEvents', 'createSyncMetrics', 'webStorage']
    for (const name of documented) {
      expect(Object.keys(publicApi)).toContain(name)
      expect(readme).toContain(name)
    }
  })
})
