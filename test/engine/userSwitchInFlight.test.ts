import { afterEach, describe, expect, it } from 'vitest'
import { vi } from 'vitest'
import { createRestAdapter } from '../../src'
import { freshStorage, loadPage } from '../support/persistedStore'
import { createScriptedAdapter, ok } from '../support/scriptedAdapter'
import { advance } from '../support/driver'

// Durability invariant 4: an answer is applied only to the operation it answers (by op id and user), and a
// request carries the user it was made under and never goes out with another user's credentials.

const stops: Array<() => void> = []
afterEach(() => {
  for (const stop of stops.splice(0)) stop()
})

function deferred() {
  let open: () => void = () => {}
  const promise = new Promise<void>((resolve) => (open = resolve))
  return { promise, open }
}

describe('switching users while a batch is in flight', () => {
  it("with the README's async token example, A's operations never go out with B's token", async () => {
    // The README's example: headers: async () => ({ Authorization: `Bearer ${await auth.getToken()}` }).
    const auth = { token: 'token-alice', gate: deferred(), getToken: async () => (await auth.gate.promise, auth.token) }
    const sent: Array<{ key: string | null; authorization: string | null }> = []
    const usersSeen: Array<string | null | undefined> = []
    const adapter = createRestAdapter({
      baseUrl: 'https://api.test',
      headers: async (operation) => {
        usersSeen.push(operation?.userId)
        return { Authorization: `Bearer ${await auth.getToken()}` }
      },
      fetch: async (_url, init) => {
        const headers = new Headers(init.headers)
        sent.push({ key: headers.get('Idempotency-Key'), authorization: headers.get('Authorization') })
        return new Response(JSON.stringify({ id: 'a1', title: 'a1', done: false, version: 1 }), { status: 201 })
      },
    })
    const page = loadPage(freshStorage(), adapter)
    stops.push(() => page.sync.stop())
    await page.persistor.ready
    await page.persistor.switchUser('alice')
    page.store.dispatch(page.todos.actions.added({ id: 'a1', title: 'a1', done: false }))
    const aliceOp = page.ops()[0]!.id
    page.network.setOnline(true)
    await vi.waitFor(() => expect(usersSeen).toEqual(['alice']))
    // Alice's request waits for its token; meanwhile Bob signs in.
    auth.token = 'token-bob'
    const switching = page.persistor.switchUser('bob')
    auth.gate.open()
    await switching
    await advance()
    expect(sent.filter((request) => request.key === aliceOp && request.authorization === 'Bearer token-bob')).toEqual([])
    // Alice's change was not lost: it is still hers, pending, and goes when she is back.
    auth.token = 'token-alice'
    await page.persistor.switchUser('alice')
    await vi.waitFor(() => expect(page.status().pending).toBe(0))
    expect(sent.filter((request) => request.key === aliceOp)).toEqual([{ key: aliceOp, authorization: 'Bearer token-alice' }])
  })

  it("B's unsent change at the same seq as A's in-flight operation is not confirmed or deleted by A's late answer", async () => {
    const storage = freshStorage()
    const scripted = createScriptedAdapter()
    const page = loadPage(storage, scripted.adapter)
    stops.push(() => page.sync.stop())
    await page.persistor.ready
    await page.persistor.switchUser('alice')
    page.store.dispatch(page.todos.actions.added({ id: 'a1', title: 'a1', done: false }))
    const aliceSeq = page.ops()[0]!.seq
    page.network.setOnline(true)
    await vi.waitFor(() => expect(scripted.waitingCount()).toBe(1))
    page.network.setOnline(false)
    await page.persistor.switchUser('bob')
    page.store.dispatch(page.todos.actions.added({ id: 'b1', title: 'b1', done: false }))
    expect(page.ops()).toEqual([expect.objectContaining({ seq: aliceSeq, recordId: 'b1', userId: 'bob', status: 'pending' })])
    // Alice's answer arrives late.
    scripted.answer((op) => ok({ ...op.data, version: 1 }))
    await advance()
    await page.persistor.flush()
    expect(page.ops()).toEqual([expect.objectContaining({ seq: aliceSeq, recordId: 'b1', userId: 'bob', status: 'pending' })])
    expect(page.view()).toEqual([{ id: 'b1', title: 'b1', done: false }])
    expect(page.status()).toMatchObject({ pending: 1, inflight: 0 })
    // Bob's operation is still in storage: a reload brings it back.
    page.sync.stop()
    const reload = loadPage(storage, scripted.adapter)
    stops.push(() => reload.sync.stop())
    await reload.persistor.ready
    await reload.persistor.switchUser('bob')
    expect(reload.ops()).toEqual([expect.objectContaining({ recordId: 'b1', userId: 'bob', status: 'pending' })])
  })

  it("sends nothing of A while the switch to B is under way (the app may already hand out B's token)", async () => {
    const scripted = createScriptedAdapter()
    const page = loadPage(freshStorage(), scripted.adapter)
    stops.push(() => page.sync.stop())
    await page.persistor.ready
    await page.persistor.switchUser('alice')
    page.store.dispatch(page.todos.actions.added({ id: 'a1', title: 'a1', done: false }))
    const switching = page.persistor.switchUser('bob')
    // Coming online while the switch flushes Alice's work would start a drain of her outbox.
    page.network.setOnline(true)
    await switching
    await advance()
    expect(scripted.calls.flatMap((call) => call.operations.map((op) => op.userId))).not.toContain('alice')
  })
})
