/**
 * The reference backend of the chaos suite: a careful server held in memory, reached through the real
 * REST adapter (see faultyFetch.ts). What it does, as a server users can trust must:
 *
 * - Records live per scope (the user named by `Authorization: Bearer <user>`); no header answers 401.
 * - Every record has a numeric `version` (1 on create, one more per write) and `updatedAt` (the clock).
 *   Writes honour `If-Match`: another version answers 412 with the current record. An update or delete of
 *   a missing record answers 404; a create of an existing one 409 with the current record.
 * - `Idempotency-Key` (per scope): the first answer to a key is stored atomically with the change it made and
 *   replayed to every repeat with the same request; a repeat with another method, path or body is refused
 *   with 422 and changes nothing (`refusals`).
 * - A change feed per scope (`GET /todos?since=<cursor>&limit=<n>`), tombstones as `record: null`.
 * - Confirmation by pull: a pull naming `&unanswered=<key>` (repeated) also gets, in `answered`, the
 *   stored answer (status and body) of each of those keys of the scope it has one for; the others are left out.
 * - Server-assigned ids (`assignIds`): a create stores the record under an id of the server's (`s<n>`), not the
 *   body's (the client's temporary id), and remembers which temporary id it came with; a second create
 *   of one temporary id (under another key) is the same record created twice: its tokens count as applied twice.
 * - Every APPLICATION of a change is logged with the edit tokens (`t_*` fields) it carried. A token
 *   applied to a record that already holds it was applied twice (`dupTokens`).
 */
export type Rec = Record<string, unknown> & { id: string; version: number }

export interface Application {
  /** The harness's logical time, shared with the ledger, so "after" means after. */
  tick: number
  scope: string
  id: string
  kind: 'create' | 'update' | 'delete'
  key: string | null
  /** The request's If-Match, or null when it had none. */
  ifMatch: string | null
  /** The record's version after it (null for a delete). */
  version: number | null
  tokens: string[]
  /** Tokens this application set on a record that already held them: applied a second time. */
  dupTokens: string[]
}

export interface Refusal {
  scope: string
  key: string
  method: string
  path: string
}

export interface Reply {
  status: number
  body?: unknown
  headers?: Record<string, string>
}

export interface BackendRequest {
  method: string
  /** Path relative to the API root, e.g. `/todos/abc` or `/todos?since=3&limit=100`. */
  path: string
  headers: Headers
  body: unknown
}

export const isToken = (key: string) => key.startsWith('t_')
/** The edit tokens a body or record carries; a token set to null in a merge patch removes it, it is no edit. */
export const tokensOf = (data: unknown): string[] =>
  data && typeof data === 'object'
    ? Object.entries(data)
        .filter(([key, value]) => isToken(key) && value !== null)
        .map(([key]) => key.slice(2))
    : []

export class ReferenceBackend {
  readonly applications: Application[] = []
  readonly refusals: Refusal[] = []
  private readonly scopes = new Map<string, Map<string, Rec>>()
  private readonly feeds = new Map<string, Array<{ n: number; id: string; record: Rec | null }>>()
  private readonly answered = new Map<string, { fingerprint: string; reply: Reply }>()
  private feedSeq = 0
  /** Server-assigned ids: the server id of each temporary id a create came with, by scope. */
  private readonly assigned = new Map<string, string>()
  /** Server-assigned ids: each temporary id a create came with, by scope and sending client. */
  private readonly createdBy = new Set<string>()
  private assignedCount = 0
  /** Stored answers handed back by pulls (confirmation by pull), for the figures. */
  answeredByPull = 0
  /** Called after every write, like a server's real-time poke (SSE or WebSocket) to its clients. */
  onWrite: ((scope: string) => void) | null = null

  constructor(
    private readonly now: () => number,
    private readonly tick: () => number,
    readonly assignIds = false,
  ) {}

  /** Server-assigned ids: the server id a record created under this temporary id got, or the id itself. */
  serverIdOf(scope: string, id: string): string {
    return this.assigned.get(`${scope}\u0000${id}`) ?? id
  }

  records(scope: string): Map<string, Rec> {
    let records = this.scopes.get(scope)
    if (!records) this.scopes.set(scope, (records = new Map()))
    return records
  }

  /** Per scope: where history was compacted (see compact); a pull from a cursor below it gets 410. */
  private readonly horizons = new Map<string, number>()
  compactions = 0
  /** Pulls answered 410 (cursor before the compaction point). */
  pullsGone = 0

  /**
   * Compacts every scope's change feed as a server that prunes history does: each live record keeps its
   * latest entry; older entries and tombstones go. A client whose cursor is below this point may have
   * missed a tombstone that is gone now, so its next pull gets 410 and it must start over.
   */
  compact(): void {
    for (const [scope, feed] of this.feeds) {
      const latest = new Map<string, (typeof feed)[number]>()
      for (const entry of feed) latest.set(entry.id, entry)
      this.feeds.set(scope, [...latest.values()].filter((entry) => entry.record !== null).sort((a, b) => a.n - b.n))
      this.horizons.set(scope, this.feedSeq)
    }
    this.compactions++
  }

  private feed(scope: string) {
    let feed = this.feeds.get(scope)
    if (!feed) this.feeds.set(scope, (feed = []))
    return feed
  }

  private write(scope: string, id: string, record: Rec | null): void {
    if (record === null) this.records(scope).delete(id)
    else this.records(scope).set(id, record)
    this.feed(scope).push({ n: ++this.feedSeq, id, record: record && structuredClone(record) })
    this.onWrite?.(scope)
  }

  /** Seeds a record as if someone created it before the scenario (not an application of any client's change). */
  seed(scope: string, record: Record<string, unknown> & { id: string }): void {
    this.write(scope, record.id, { ...record, version: 1, updatedAt: this.now() })
  }

  /** Whether a record of this scope was deleted on the server at or after `tick`. */
  deletedSince(scope: string, id: string, tick: number): boolean {
    return this.applications.some((a) => a.scope === scope && a.id === id && a.kind === 'delete' && a.tick >= tick)
  }

  /**
   * Whether a conflict between an op made on `base` and the server's `remote` record was caused only by
   * the same client's own earlier writes (an op applied whose answer it lost, then sent again under
   * another key or body): then dropping the edit for the server's record is the engine's doing, not a
   * concurrent change's. A remote with no write in between (a conflict the server made up) or a record
   * gone counts as a real conflict.
   */
  selfInflicted(scope: string, id: string, base: Record<string, unknown> | null, remote: Record<string, unknown> | null, client: string): boolean {
    if (!remote || typeof remote.version !== 'number') return false
    const from = typeof base?.version === 'number' ? base.version : 0
    const to = remote.version
    const between = this.applications.filter((a) => a.scope === scope && a.id === id && a.version !== null && a.version > from && a.version <= to)
    return between.length > 0 && between.every((a) => a.key !== null && a.key.split('-')[0] === client)
  }

  /** Every token ever applied, and in which scope. */
  appliedTokens(): Map<string, Set<string>> {
    const tokens = new Map<string, Set<string>>()
    for (const a of this.applications)
      for (const token of a.tokens) {
        const scopes = tokens.get(token) ?? new Set<string>()
        scopes.add(a.scope)
        tokens.set(token, scopes)
      }
    return tokens
  }

  /** Whether the server already answered this key in this scope (a repeat is replayed, never judged again). */
  hasAnswered(scope: string, key: string): boolean {
    return this.answered.has(`${scope}\u0000${key}`)
  }

  /** Whether the request would change something (and so is idempotent by key). */
  private static isWrite(method: string) {
    return method !== 'GET'
  }

  handle(request: BackendRequest): Reply {
    const auth = request.headers.get('authorization') ?? ''
    const match = /^Bearer (.+)$/.exec(auth)
    if (!match) return { status: 401, body: { message: 'Sign in first.' } }
    const scope = match[1]!
    const url = new URL(request.path, 'http://backend')
    const parts = url.pathname.split('/').filter(Boolean)
    const [entity, rawId] = parts
    if (entity !== 'todos' || parts.length > 2) return { status: 404, body: { message: 'No such route.' } }
    const id = rawId === undefined ? undefined : decodeURIComponent(rawId)
    const method = request.method.toUpperCase()

    if (!ReferenceBackend.isWrite(method)) {
      if (id === undefined) return this.pull(scope, url)
      const current = this.records(scope).get(id)
      return current ? { status: 200, body: structuredClone(current) } : { status: 404, body: { message: `todos ${id} not found` } }
    }

    const key = request.headers.get('idempotency-key')
    if (key !== null) {
      // Keys are per account, as payment APIs keep them: another user's request with the same key is another request.
      const slot = `${scope}\u0000${key}`
      const fingerprint = JSON.stringify([method, url.pathname, request.body ?? null])
      const stored = this.answered.get(slot)
      if (stored) {
        if (stored.fingerprint === fingerprint) return structuredClone(stored.reply)
        this.refusals.push({ scope, key, method, path: url.pathname })
        return { status: 422, body: { message: `Idempotency-Key ${key} was used before with another request.` } }
      }
      const reply = this.apply(scope, method, id, request, key)
      // Stored with the change, in the same step: a retry gets this answer and changes nothing.
      this.answered.set(slot, { fingerprint, reply: structuredClone(reply) })
      return reply
    }
    return this.apply(scope, method, id, request, null)
  }

  private apply(scope: string, method: string, id: string | undefined, request: BackendRequest, key: string | null): Reply {
    const records = this.records(scope)
    const body = request.body
    const ifMatch = request.headers.get('if-match')
    const matches = (version: number) =>
      ifMatch === null ||
      ifMatch.split(',').some((tag) => {
        const bare = tag.trim().replace(/^W\//, '').replace(/^"|"$/g, '')
        return bare === '*' || bare === String(version)
      })
    const log = (kind: Application['kind'], recordId: string, tokens: string[], dupTokens: string[]) =>
      this.applications.push({ tick: this.tick(), scope, id: recordId, kind, key, ifMatch, version: records.get(recordId)?.version ?? null, tokens, dupTokens })

    if (method === 'POST' && id === undefined) {
      if (!isObject(body) || typeof body.id !== 'string') return { status: 400, body: { message: 'A record needs a string id.' } }
      let recordId = body.id
      let dupTokens: string[] = []
      if (this.assignIds) {
        // The temporary id of a shared record another client deleted is its old id, the same on every client
        // that keeps its edits ("keep mine"): each of them creates a record of its own (seeds 3764, 4624, 5095,
        // 7668). Created once already by the same client under that temporary id: the same record a second time.
        const slot = `${scope}\u0000${key?.split('-')[0] ?? ''}\u0000${body.id}`
        if (this.createdBy.has(slot)) dupTokens = tokensOf(body)
        this.createdBy.add(slot)
        recordId = `s${++this.assignedCount}`
        this.assigned.set(`${scope}\u0000${body.id}`, recordId)
      }
      const current = records.get(recordId)
      if (current) return { status: 409, body: structuredClone(current) }
      const { version: _v, updatedAt: _u, ...fields } = body
      const record: Rec = { ...fields, id: recordId, version: 1, updatedAt: this.now() }
      this.write(scope, recordId, record)
      log('create', recordId, tokensOf(body), dupTokens)
      return { status: 201, body: structuredClone(record) }
    }
    if (id === undefined) return { status: 405, body: { message: 'Method not allowed.' } }
    const current = records.get(id)
    if (method === 'PATCH') {
      if (!current) return { status: 404, body: { message: `todos ${id} not found` } }
      if (!matches(current.version)) return { status: 412, body: structuredClone(current) }
      if (!isObject(body)) return { status: 400, body: { message: 'A JSON merge patch object, please.' } }
      const tokens = tokensOf(body)
      const dupTokens = tokens.filter((token) => `t_${token}` in current)
      const { id: _id, version: _v, updatedAt: _u, ...patch } = body
      const record = { ...mergePatch(current, patch), id, version: current.version + 1, updatedAt: this.now() } as Rec
      this.write(scope, id, record)
      log('update', id, tokens, dupTokens)
      return { status: 200, body: structuredClone(record) }
    }
    if (method === 'DELETE') {
      if (!current) return { status: 404, body: { message: `todos ${id} not found` } }
      if (!matches(current.version)) return { status: 412, body: structuredClone(current) }
      this.write(scope, id, null)
      log('delete', id, [], [])
      return { status: 204 }
    }
    return { status: 405, body: { message: 'Method not allowed.' } }
  }

  private pull(scope: string, url: URL): Reply {
    const since = url.searchParams.get('since')
    const limit = Number(url.searchParams.get('limit') ?? '100')
    const after = since === null ? 0 : Number(since)
    const horizon = this.horizons.get(scope) ?? 0
    if (since !== null && after < horizon) {
      this.pullsGone++
      return { status: 410, body: { message: `cursor ${since} is before the compacted history (${horizon}): pull without one` } }
    }
    const rest = this.feed(scope).filter((entry) => entry.n > after)
    const page = rest.slice(0, limit)
    let cursor = page.length > 0 ? String(page[page.length - 1]!.n) : since
    // The last page of a pull from before the compaction point ends at it, as a real server's head does.
    if (horizon > 0 && rest.length <= limit && (cursor === null || Number(cursor) < horizon)) cursor = String(horizon)
    const body: Record<string, unknown> = {
      changes: page.map(({ id, record }) => ({ id, record: record && structuredClone(record) })),
      cursor,
      hasMore: rest.length > page.length,
    }
    const unanswered = url.searchParams.getAll('unanswered')
    if (unanswered.length > 0) {
      const answered = unanswered.flatMap((key) => {
        const stored = this.answered.get(`${scope}\u0000${key}`)
        if (!stored) return []
        const { status, body: answer } = stored.reply
        return [answer === undefined ? { id: key, status } : { id: key, status, body: structuredClone(answer) }]
      })
      this.answeredByPull += answered.length
      body.answered = answered
    }
    return { status: 200, body }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function mergePatch(target: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const result = { ...target }
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key]
    else if (isObject(value)) result[key] = mergePatch(isObject(result[key]) ? (result[key] as Record<string, unknown>) : {}, value)
    else result[key] = value
  }
  return result
}
