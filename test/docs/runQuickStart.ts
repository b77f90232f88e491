// Runs the README's quick start (examples/quick-start.ts) in a Node process of its own, on a stub fetch
// that plays a REST backend, so test/docs/nodeExit.test.ts can see whether the process ends by itself.
// RTK_OFFLINE_STOP=1: call sync.stop() once the outbox is empty, as docs/node-and-tests.md says to.

globalThis.fetch = async (_input, init) => {
  const method = init?.method ?? 'GET'
  if (method === 'GET') return Response.json({ changes: [], cursor: '1', hasMore: false })
  const record: unknown = JSON.parse(String(init?.body ?? '{}'))
  return Response.json({ ...(record as object), version: 1 }, { status: method === 'POST' ? 201 : 200 })
}

const { store, sync } = await import('../../examples/quick-start')

await new Promise<void>((resolve) => {
  const check = () => {
    if (sync.selectors.selectStatus(store.getState()).pending === 0) resolve()
  }
  store.subscribe(check)
  check()
})
console.log('synced')
if (process.env.RTK_OFFLINE_STOP === '1') sync.stop()
export {}
