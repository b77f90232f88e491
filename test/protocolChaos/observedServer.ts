import { createPgliteDriver, createSyncServer, resetSyncTables, type ServerTimers, type SqlDriver, type SyncServer } from '../../src/server'
import { ReferenceBackend, tokensOf, type Rec } from '../chaos/referenceBackend'
import type { Scheduler } from '../chaos/scheduler'

/** The collection every scenario syncs. */
export const COLLECTION = 'todos'
/** Where the adapter thinks the server lives; requests never leave the process. */
export const SERVER_URL = 'http://protocol-chaos.test'

/** `Bearer <scope>`: the user is the scope (`anon`, `u2`). */
async function bearerAuth(request: Request) {
  const token = /^Bearer (.+)$/.exec(request.headers.get('Authorization') ?? '')?.[1]
  return token ? { userId: token } : null
}

/** One PGlite database for a whole run (it takes seconds to start); each scenario empties its tables. */
export async function openDatabase(): Promise<SqlDriver> {
  return createPgliteDriver()
}

/** Interval timers on the scenario's manual clock, for the server's keep-alives. */
function intervalTimers(scheduler: Scheduler): ServerTimers {
  return {
    setInterval(callback, ms) {
      const handle = { timer: undefined as unknown, stopped: false }
      const arm = () => {
        handle.timer = scheduler.timers.setTimeout(() => {
          if (handle.stopped) return
          callback()
          arm()
        }, ms)
      }
      arm()
      return handle
    },
    clearInterval(handle) {
      const h = handle as { timer: unknown; stopped: boolean }
      h.stopped = true
      scheduler.timers.clearTimeout(h.timer)
    },
  }
}

/** A stored record of the feed, as the oracle reads it. */
interface RecordRow {
  id: string
  data: Rec
}

/**
 * The real reference server (`createSyncServer` on PGlite) of one scenario, and what the oracle of
 * test/chaos needs to know about it, read from the database and from the pushes it answered:
 *
 * - `records(scope)`: the live records of a scope as the database holds them (refreshed after every
 *   request the harness lets through).
 * - `applications`: every operation the server APPLIED (not replayed, not refused), with the edit tokens
 *   it carried. An operation counts as applied by a push when its idempotency key had no stored result
 *   before the request and has a 2xx result after it: the server stores the key with the change in one
 *   transaction, so a key answered before is a replay that wrote nothing.
 * - `unexplained`: writes the database shows that no application accounts for (a replay that wrote
 *   again, a change under no fresh key). The harness reports them as dup.
 *
 * It extends the in-memory ReferenceBackend only to be what the oracle's checks take: the logic they
 * use (`appliedTokens`, `deletedSince`, `selfInflicted`) reads `applications`, which this class fills
 * from the real server; `handle` is never called (requests go to `fetch`).
 */
export class ObservedServer extends ReferenceBackend {
  readonly unexplained: string[] = []
  readonly #snapshots = new Map<string, Map<string, Rec>>()
  #lock: Promise<void> = Promise.resolve()
  /** Pushes and pulls the server answered (whatever became of the answer), for the figures. */
  served = 0

  /** Server-assigned ids: the server id of each temporary id a create came with, by scope. */
  readonly #assigned = new Map<string, string>()
  /** Server-assigned ids: each temporary id a create came with, by scope and sending client. */
  readonly #createdBy = new Set<string>()

  private constructor(
    readonly db: SqlDriver,
    readonly server: SyncServer,
    private readonly scheduler: Scheduler,
    private readonly tickOf: () => number,
    assignIds: boolean,
  ) {
    super(scheduler.now, tickOf, assignIds)
  }

  /** A fresh server over `db`, its tables emptied, its clock the scenario's; `assignIds`: the server gives created records their ids. */
  static async start(db: SqlDriver, scheduler: Scheduler, tick: () => number, assignIds = false): Promise<ObservedServer> {
    const server = await createSyncServer({
      db,
      authenticate: bearerAuth,
      collections: { [COLLECTION]: { assignIds } },
      now: scheduler.now,
      timers: intervalTimers(scheduler),
      onError: () => {},
    })
    // After createSyncServer, whose migrations make the tables on a new database.
    await resetSyncTables(db)
    return new ObservedServer(db, server, scheduler, tick, assignIds)
  }

  override records(scope: string): Map<string, Rec> {
    let records = this.#snapshots.get(scope)
    if (!records) this.#snapshots.set(scope, (records = new Map()))
    return records
  }

  override serverIdOf(scope: string, id: string): string {
    return this.#assigned.get(`${scope}\u0000${id}`) ?? id
  }

  override handle(): never {
    throw new Error('ObservedServer is the real server: send requests through fetch().')
  }

  /** Records every scope holds before the scenario: created by no client of the scenario. */
  async seedRecords(scope: string, records: ReadonlyArray<Record<string, unknown> & { id: string }>): Promise<void> {
    const operations = records.map((record) => ({ id: `seed-${scope}-${record.id}`, collection: COLLECTION, recordId: record.id, kind: 'create', data: record, baseVersion: null }))
    const response = await this.server.fetch(
      new Request(`${SERVER_URL}/sync/push`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${scope}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ clientId: 'seed', operations }),
      }),
    )
    if (response.status !== 200) throw new Error(`Seeding ${scope} failed with ${response.status}: ${await response.text()}`)
    await this.refresh(scope)
  }

  /**
   * Sends a push or pull to the server, one request at a time (the harness reads the database before
   * and after, so it must see one request's writes alone), and notes what it applied. The request is
   * served even if the client has given up on it meanwhile, as a server that already received it does.
   */
  async serve(request: Request, scope: string | null, body: unknown): Promise<Response> {
    const done = this.scheduler.track()
    const previous = this.#lock
    let release!: () => void
    this.#lock = new Promise((resolve) => (release = resolve))
    try {
      await previous
      return await this.#serveAlone(request, scope, body)
    } finally {
      release()
      done()
    }
  }

  async #serveAlone(request: Request, scope: string | null, body: unknown): Promise<Response> {
    const path = new URL(request.url).pathname
    const operations = path === '/sync/push' && isObject(body) && Array.isArray(body.operations) ? (body.operations as unknown[]).filter(isObject) : []
    const keys = operations.map((operation) => operation.id).filter((key): key is string => typeof key === 'string')
    const answeredBefore = scope !== null && keys.length > 0 ? await this.#answeredKeys(scope, keys) : new Set<string>()
    const response = await this.server.fetch(request)
    const text = await response.text()
    this.served += 1
    if (scope !== null && response.status === 200) {
      let json: unknown
      try {
        json = JSON.parse(text)
      } catch {
        json = undefined
      }
      if (path === '/sync/push') this.#noteApplied(scope, operations, answeredBefore, json)
      // (answeredByPull is the ReferenceBackend's figure: stored answers given back by pulls.)
      if (path === '/sync/pull' && isObject(json) && Array.isArray(json.answered)) this.answeredByPull += json.answered.length
      if (path === '/sync/push') {
        const expected = new Map(this.records(scope))
        await this.refresh(scope)
        this.#checkExplained(scope, expected)
      }
    }
    return new Response(text, { status: response.status, headers: response.headers })
  }

  /** Keys of `keys` the scope has a stored result for. */
  async #answeredKeys(scope: string, keys: readonly string[]): Promise<Set<string>> {
    const { rows } = await this.db.query<{ key: string }>('SELECT key FROM rtk_offline_idempotency WHERE scope = $1 AND key = ANY($2::text[]) AND result IS NOT NULL', [scope, keys])
    return new Set(rows.map((row) => row.key))
  }

  /** Logs each operation of the push that the server applied now, and updates the expected records with it. */
  #noteApplied(scope: string, operations: ReadonlyArray<Record<string, unknown>>, answeredBefore: ReadonlySet<string>, json: unknown): void {
    const results = isObject(json) && Array.isArray(json.results) ? (json.results as unknown[]) : []
    const records = this.records(scope)
    operations.forEach((operation, index) => {
      const result = results[index]
      const key = typeof operation.id === 'string' ? operation.id : null
      if (key === null || answeredBefore.has(key) || !isObject(result) || result.id !== key) return
      const status = typeof result.status === 'number' ? result.status : 0
      if (status < 200 || status >= 300) return
      const kind = operation.kind as 'create' | 'update' | 'delete'
      const record = isObject(result.record) ? (result.record as Rec) : null
      const id = String(record?.id ?? operation.recordId)
      const tokens = tokensOf(operation.data)
      const before = records.get(id)
      let dupTokens = kind === 'update' && before ? tokens.filter((token) => `t_${token}` in before) : []
      if (kind === 'create' && this.assignIds) {
        // As the in-memory backend judges it: one client creating one temporary id twice (under two keys)
        // made the same record twice; two clients keeping one deleted shared record each made their own.
        const temporary = String(operation.recordId)
        const slot = `${scope}\u0000${key.split('-')[0]}\u0000${temporary}`
        if (this.#createdBy.has(slot)) dupTokens = tokens
        this.#createdBy.add(slot)
        this.#assigned.set(`${scope}\u0000${temporary}`, id)
      }
      if (kind === 'delete') records.delete(id)
      else if (record) records.set(id, record)
      this.applications.push({
        tick: this.tickOf(),
        scope,
        id,
        kind,
        key,
        ifMatch: operation.baseVersion === null || operation.baseVersion === undefined ? null : String(operation.baseVersion as string | number),
        version: kind === 'delete' ? null : typeof record?.version === 'number' ? record.version : null,
        tokens,
        dupTokens,
      })
    })
  }

  /** What the database holds for `scope` must be what the applications made of it. */
  #checkExplained(scope: string, expected: ReadonlyMap<string, Rec>): void {
    const actual = this.records(scope)
    for (const id of new Set([...expected.keys(), ...actual.keys()])) {
      const want = expected.get(id)
      const have = actual.get(id)
      if (stable(want ?? null) !== stable(have ?? null))
        this.unexplained.push(`${scope}/${id}: the server holds ${stable(have ?? null)} where its applications made ${stable(want ?? null)}`)
    }
  }

  /** Reads the scope's live records from the database. */
  async refresh(scope: string): Promise<void> {
    const done = this.scheduler.track()
    try {
      const { rows } = await this.db.query<RecordRow>('SELECT id, data FROM rtk_offline_records WHERE scope = $1 AND collection = $2 AND data IS NOT NULL', [scope, COLLECTION])
      this.#snapshots.set(scope, new Map(rows.map((row) => [row.id, row.data])))
    } finally {
      done()
    }
  }

  async close(): Promise<void> {
    await this.#lock
    await this.server.close()
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

const stable = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v))
