// @vitest-environment jsdom
import 'fake-indexeddb/auto'
import { describe, expect, it, vi } from 'vitest'
import { createMockBackend } from '../../src/msw'
import { useMswServer } from '../support/mswServer'
import { createFakeLocks } from '../support/fakeLocks'
import v4 from '../fixtures/redux-offline/v4.json'

const backend = createMockBackend({ baseUrl: `${location.origin}/api` })
useMswServer(...backend.handlers)

describe("README's From redux-offline snippet (examples/docs/from-redux-offline/store.ts)", () => {
  it('runs in a browser-like page: the queue redux-offline left in localStorage is sent, then the new change', async () => {
    // What redux-offline 2.6 left in this browser's localStorage: three changes made offline.
    localStorage.setItem('reduxPersist:offline', v4['reduxPersist:offline'].replaceAll('http://localhost/api', '/api'))
    // A browser's Web Locks elect the tab that sends at once (jsdom has none; the fallback waits seconds).
    Object.defineProperty(navigator, 'locks', { value: createFakeLocks(), configurable: true })
    // Node's fetch does not resolve a path against the page's location as a browser's does.
    const nodeFetch = globalThis.fetch
    vi.stubGlobal('fetch', (url: string, init?: RequestInit) => nodeFetch(new URL(url, location.href), init))
    const { store, sync } = await import('../../examples/docs/from-redux-offline/store')
    await vi.waitFor(() => expect(backend.requests).toHaveLength(4))
    expect(backend.requests.map((request) => `${request.method} ${request.path}`)).toEqual(['POST /todos', 'POST /todos', 'PATCH /todos/1', 'POST /todos'])
    expect(localStorage.getItem('reduxPersist:offline')).toBeNull()
    await vi.waitFor(() => expect(store.getState().todos).toEqual([expect.objectContaining({ title: 'Buy milk', saved: true })]))
    sync.stop()
    vi.unstubAllGlobals()
  })
})
