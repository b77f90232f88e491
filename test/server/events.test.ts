import { afterAll, describe, expect, it } from 'vitest'
import { createSyncServer, type ServerTimers, type SqlDriver, type SyncServer } from '../../src/server'
import { baseUrl, bearerAuth, onPostgres, op, openSecondDriver, useTestServer } from './support/testServer'

/** Interval timers the test fires by hand. */
function manualIntervals() {
  const callbacks = new Map<number, () => void>()
  let next = 0
  const timers: ServerTimers = {
    setInterval: (callback) => {
      callbacks.set(++next, callback)
      return next
    },
    clearInterval: (handle) => void callbacks.delete(handle as number),
  }
  return { timers, fire: () => [...callbacks.values()].forEach((callback) => callback()), get count() { return callbacks.size } }
}

const intervals = manualIntervals()
const t = useTestServer('events', { timers: intervals.timers })
const extra: SyncServer[] = []
const closing: SqlDriver[] = []
afterAll(async () => {
  for (const server of extra) await server.close()
  for (const db of closing) await db.close()
})

/** Opens the event stream of `token` on `server` and reads it as text, event by event. */
async function openEvents(server: SyncServer, token: string) {
  const response = await server.fetch(new Request(`${baseUrl}/sync/events`, { headers: { Authorization: `Bearer ${token}` } }))
  expect(response.status).toBe(200)
  expect(response.headers.get('Content-Type')).toContain('text/event-stream')
  const reader = response.body!.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  return {
    /** The next message (up to a blank line): an event or a comment. */
    async next(): Promise<string> {
      while (!buffer.includes('\n\n')) {
        const { value, done } = await reader.read()
        if (done) return 'closed'
        buffer += decoder.decode(value, { stream: true })
      }
      const end = buffer.indexOf('\n\n')
      const message = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      return message
    },
    close: () => reader.cancel(),
  }
}

const write = (server: SyncServer, token: string, collection: string, id: string) =>
  server.fetch(
    new Request(`${baseUrl}/sync/push`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
      body: JSON.stringify({ clientId: 'c', operations: [op(`op-${id}`, 'create', id, { id }, null, collection)] }),
    }),
  )

describe('GET /sync/events', () => {
  it('pokes the clients of a scope after a commit that changed it, with no record data', async () => {
    const events = await openEvents(t.server, 'alice')
    expect(await events.next()).toBe(': connected')
    await write(t.server, 'alice', 'todos', 'a')
    expect(await events.next()).toBe('event: change\ndata: {"collection":"todos"}')
    await events.close()
  })

  it("pokes only the writer's scope", async () => {
    const bobs = await openEvents(t.server, 'bob')
    await bobs.next()
    await write(t.server, 'alice', 'todos', 'a')
    await write(t.server, 'bob', 'notes', 'n')
    expect(await bobs.next()).toBe('event: change\ndata: {"collection":"notes"}')
    await bobs.close()
  })

  it('does not poke for a push that changed nothing (a replay, a refusal)', async () => {
    const events = await openEvents(t.server, 'alice')
    await events.next()
    await write(t.server, 'alice', 'todos', 'a')
    expect(await events.next()).toBe('event: change\ndata: {"collection":"todos"}')
    await write(t.server, 'alice', 'todos', 'a')
    await write(t.server, 'alice', 'notes', 'n')
    expect(await events.next()).toBe('event: change\ndata: {"collection":"notes"}')
    await events.close()
  })

  it('sends a keep-alive comment on each tick of its interval, and stops its timer when the client goes', async () => {
    const before = intervals.count
    const events = await openEvents(t.server, 'alice')
    await events.next()
    expect(intervals.count).toBe(before + 1)
    intervals.fire()
    expect(await events.next()).toBe(': keep-alive')
    await events.close()
    await expect.poll(() => intervals.count).toBe(before)
  })

  it('reaches the clients of another instance on the same database (LISTEN/NOTIFY)', async () => {
    // On PostgreSQL the other instance has its own pool, as a second process would; PGlite lives in one process.
    const db = onPostgres ? await openSecondDriver('events') : t.db
    const other = await createSyncServer({ db, authenticate: bearerAuth })
    extra.push(other)
    if (db !== t.db) closing.push(db)
    const events = await openEvents(other, 'alice')
    await events.next()
    await write(t.server, 'alice', 'todos', 'a')
    expect(await events.next()).toBe('event: change\ndata: {"collection":"todos"}')
    await events.close()
  })

  it('pokes in-process after the commit when the driver cannot listen', async () => {
    const { listen: _listen, ...withoutListen } = t.db
    const local = await createSyncServer({ db: withoutListen, authenticate: bearerAuth })
    extra.push(local)
    const events = await openEvents(local, 'alice')
    await events.next()
    await write(local, 'alice', 'todos', 'a')
    expect(await events.next()).toBe('event: change\ndata: {"collection":"todos"}')
    await events.close()
  })

  it('ends open streams on close()', async () => {
    const closing = await createSyncServer({ db: t.db, authenticate: bearerAuth })
    const events = await openEvents(closing, 'alice')
    await events.next()
    await closing.close()
    expect(await events.next()).toBe('closed')
  })

  it('answers 401 without credentials', async () => {
    expect((await t.request('GET', '/sync/events', { token: null })).status).toBe(401)
  })
})
