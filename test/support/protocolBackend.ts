/**
 * A small in-memory server speaking docs/sync-protocol.md, served through MSW handlers, for the sync
 * protocol adapter's tests:
 *
 * ```ts
 * const backend = createProtocolBackend({ baseUrl })
 * const server = useMswServer(...backend.handlers) // test/support/mswServer.ts
 * ```
 *
 * `POST {baseUrl}/sync/push` applies operations in order (create 201 / 409 when the id exists, update
 * 200 / 404 / 412 on a `baseVersion` that is not current, delete 204 / 404 / 412), keeps each result by
 * operation id and answers a replay with it without applying again. `POST {baseUrl}/sync/pull` answers
 * the records changed after a cursor (a sequence number), tombstones included, and `answered` for
 * `unanswered` ids it holds a result for. Every record carries a numeric `version`.
 */
import { HttpResponse, http } from 'msw'
import type { HttpHandler } from 'msw'

type Row = Record<string, unknown> & { id: string | number; version: number }
interface WireOperation {
  id: string
  collection: string
  recordId: string | number
  kind: 'create' | 'update' | 'delete'
  data: Record<string, unknown> | null
  baseVersion: number | string | null
}
type Result = { id: string; status: number; record?: Row | null; error?: { code: string; message: string } }

export interface ProtocolBackend {
  handlers: HttpHandler[]
  /** The bodies of every push and pull, oldest first, with the Authorization header. */
  readonly requests: Array<{ path: '/sync/push' | '/sync/pull'; body: Record<string, unknown>; authorization: string | null }>
  records(collection: string): Row[]
  /** Writes a record as another client would, with a new version and a change in the feed. */
  write(collection: string, record: Record<string, unknown> & { id: string | number }): void
  /** Applies operations as a push would, without a request: an answer that was lost on the way. */
  apply(operations: WireOperation[]): Result[]
  reset(): void
}

export function createProtocolBackend({ baseUrl }: { baseUrl: string }): ProtocolBackend {
  const tables = new Map<string, Map<string, Row>>()
  /** The change feed: the latest sequence of each (collection, id). */
  const feed = new Map<string, { seq: number; collection: string; id: string | number }>()
  const results = new Map<string, Result>()
  const requests: ProtocolBackend['requests'] = []
  let seq = 0

  const table = (collection: string) => tables.get(collection) ?? tables.set(collection, new Map()).get(collection)!
  const changed = (collection: string, id: string | number) => feed.set(`${collection}\u0000${id}`, { seq: ++seq, collection, id })

  function applyOne(op: WireOperation): Result {
    const stored = results.get(op.id)
    if (stored) return stored
    const rows = table(op.collection)
    const key = String(op.recordId)
    const current = rows.get(key)
    let result: Result
    if (op.kind === 'create') {
      if (current) result = { id: op.id, status: 409, record: current }
      else {
        const row = { ...op.data, id: op.recordId, version: 1 }
        rows.set(key, row)
        changed(op.collection, op.recordId)
        result = { id: op.id, status: 201, record: row }
      }
    } else if (!current) result = { id: op.id, status: 404, error: { code: 'not-found', message: `${op.collection} ${key} does not exist` } }
    else if (op.baseVersion !== null && String(op.baseVersion) !== String(current.version)) result = { id: op.id, status: 412, record: current }
    else if (op.kind === 'update') {
      const row = { ...current, ...op.data, id: current.id, version: current.version + 1 }
      rows.set(key, row)
      changed(op.collection, op.recordId)
      result = { id: op.id, status: 200, record: row }
    } else {
      rows.delete(key)
      changed(op.collection, op.recordId)
      result = { id: op.id, status: 204 }
    }
    results.set(op.id, result)
    return result
  }

  const handlers = [
    http.post(`${baseUrl}/sync/push`, async ({ request }) => {
      const body = (await request.json()) as { clientId: string; operations: WireOperation[] }
      requests.push({ path: '/sync/push', body, authorization: request.headers.get('authorization') })
      return HttpResponse.json({ results: body.operations.map(applyOne) })
    }),
    http.post(`${baseUrl}/sync/pull`, async ({ request }) => {
      const body = (await request.json()) as { collection: string; cursor: string | null; limit: number; unanswered: string[] }
      requests.push({ path: '/sync/pull', body, authorization: request.headers.get('authorization') })
      const after = body.cursor === null ? 0 : Number(body.cursor)
      if (after > seq) return HttpResponse.json({ error: { code: 'cursor-ahead', message: 'the cursor is ahead of the server' } }, { status: 410 })
      const entries = [...feed.values()].filter((entry) => entry.collection === body.collection && entry.seq > after).sort((a, b) => a.seq - b.seq)
      const page = entries.slice(0, body.limit)
      const last = page.at(-1)
      return HttpResponse.json({
        changes: page.map(({ id }) => ({ id, record: table(body.collection).get(String(id)) ?? null })),
        cursor: last ? String(last.seq) : body.cursor,
        hasMore: entries.length > page.length,
        lastApplied: null,
        answered: body.unanswered.flatMap((id) => (results.has(id) ? [results.get(id)!] : [])),
      })
    }),
  ]

  return {
    handlers,
    requests,
    records: (collection) => [...table(collection).values()].map((row) => ({ ...row })),
    write(collection, record) {
      const current = table(collection).get(String(record.id))
      table(collection).set(String(record.id), { ...record, version: (current?.version ?? 0) + 1 })
      changed(collection, record.id)
    },
    apply: (operations) => operations.map(applyOne),
    reset() {
      tables.clear()
      feed.clear()
      results.clear()
      requests.length = 0
      seq = 0
    },
  }
}
