import { describe, expect, it } from 'vitest'
import { createOfflineSync, createRestAdapter, createSyncedEntity, SyncError, SyncSetupError } from 'rtk-offline'
import { createMockBackend, createWebStorage } from 'rtk-offline/msw'
import { findSyncSlice } from '../../src/react/findSyncSlice'

// One kind of programmer error: every entry throws the core's SyncSetupError (code 'setup') for a setup
// or usage mistake, so an app catches them all with one instanceof. The msw and react entries import it
// from 'rtk-offline', so they share the core's class rather than bundling a copy. (eslint.config.js
// forbids `throw new TypeError/Error` in src.)
describe('setup mistakes', () => {
  it.each<[string, () => unknown]>([
    ['createSyncedEntity', () => createSyncedEntity({ name: '' })],
    ['createOfflineSync', () => createOfflineSync({} as never)],
    ['createRestAdapter', () => createRestAdapter({} as never)],
    ['createMockBackend (rtk-offline/msw)', () => createMockBackend({} as never)],
    ['createWebStorage (rtk-offline/msw)', () => createWebStorage('')],
    ['findSyncSlice (rtk-offline/react)', () => findSyncSlice({})],
  ])('%s throws a SyncSetupError with code "setup"', (_, mistake) => {
    expect(mistake).toThrow(SyncSetupError)
    expect(mistake).toThrow(SyncError)
    expect(mistake).toThrow(expect.objectContaining({ name: 'SyncSetupError', code: 'setup', message: expect.stringMatching(/^rtk-offline: /) }))
  })
})
