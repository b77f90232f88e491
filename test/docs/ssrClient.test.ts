// @vitest-environment jsdom
import { afterAll, expect, it, vi } from 'vitest'
import { makeStore, notes, sync } from '../../examples/docs/ssr/notes'
import { notesState } from '../../examples/docs/ssr/notesState'

afterAll(() => {
  sync.stop()
  vi.unstubAllGlobals()
})

it('hydrates in the browser on the records the server rendered, then syncs changes against their versions', async () => {
  const requests: Array<{ method: string; url: string; ifMatch: string | null }> = []
  // The server's note as the database holds it; a pull without a cursor lists every live record.
  let stored = { id: 'a', text: 'From the database', version: 3 }
  vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET'
    requests.push({ method, url, ifMatch: new Headers(init.headers).get('If-Match') })
    if (method === 'GET') return Response.json({ changes: url.includes('since=') ? [] : [{ id: 'a', record: stored }], cursor: '7', hasMore: false })
    stored = { id: 'a', text: 'Edited', version: 4 }
    return Response.json(stored)
  })
  const rendered = JSON.stringify({ notes: notesState([{ id: 'a', text: 'From the database', version: 3 }]) })
  const store = makeStore(JSON.parse(rendered))
  expect(notes.selectors.selectAll(store.getState())).toEqual([{ id: 'a', text: 'From the database', version: 3 }])

  store.dispatch(notes.actions.updated({ id: 'a', changes: { text: 'Edited' } }))
  await vi.waitFor(() => expect(sync.selectors.selectStatus(store.getState()).pending).toBe(0))
  expect(requests).toContainEqual({ method: 'PATCH', url: '/api/notes/a', ifMatch: '"3"' })
  expect(requests).toContainEqual({ method: 'GET', url: '/api/notes?limit=100', ifMatch: null })
  expect(notes.selectors.selectAll(store.getState())).toEqual([{ id: 'a', text: 'Edited', version: 4 }])
})
