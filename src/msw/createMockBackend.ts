import { HttpResponse, delay, http } from 'msw'
import type { HttpHandler, PathParams } from 'msw'
import { SyncSetupError } from 'rtk-offline'
import { createDataStore } from './dataStore'
import { createFailureQueue, failureReply } from './failureQueue'
import { isJsonObject } from './mergePatch'
import { createRecordWriter } from './recordWriter'
import { parseBody, startLogEntry } from './requestLog'
import { errorReply, toResponse, type Reply } from './reply'
import { buildRoutes, type Route } from './routes'
import { readSnapshot } from './snapshot'
import type {
  LoggedRequest,
  MockBackend,
  MockBackendOptions,
  MockBackendSnapshot,
  MockBackendStorage,
  MockRecord,
  MockRecordId,
} from './types'

/** The options with every default filled in. */
interface Config {
  base: string
  now: () => number
  versionField: string
  pageSize: number
  storage: MockBackendStorage | undefined
}

const WRITE_METHODS = new Set(['POST', 'PATCH', 'DELETE'])
const ABSOLUTE_URL = /^[a-z][a-z\d+.-]*:\/\//i
const MAX_TIMEOUT_MS = 2_147_483_647

/**
 * Creates an in-memory backend that speaks the REST adapter's conventions, served by MSW handlers, with
 * controls to set up data, change it "remotely", slow requests down, fail them, and read what the
 * backend holds.
 *
 * Routes (`{id}` URL-encoded): `POST {baseUrl}/{entity}` creates (201; 409 with the current record when
 * the id exists), `GET`, `PATCH` (JSON merge patch) and `DELETE {baseUrl}/{entity}/{id}` (404 when
 * unknown; 412 with the current record when `If-Match` names another version), and
 * `GET {baseUrl}/{entity}?since=&limit=&<field>=` pulls changes page by page. A repeated
 * `Idempotency-Key` on a write gets its first successful answer again and changes nothing. A pull with
 * `&unanswered=<key>` (repeated; the REST adapter's `confirmByPull`) also gets, in `answered`, the
 * remembered answers of those keys' writes to that collection (confirmation by pull).
 *
 * @example
 * const backend = createMockBackend({ baseUrl: 'http://localhost/api' })
 * const server = setupServer(...backend.handlers)
 * backend.seed('todos', [{ id: '1', title: 'Buy milk' }])
 * backend.failNext(1, 503, { retryAfter: '2' })
 */
export function createMockBackend(options: MockBackendOptions): MockBackend {
  const { base, now, versionField, pageSize, storage } = resolveOptions(options)
  const store = createDataStore()
  const writer = createRecordWriter({ store, versionField, now })
  const routes = buildRoutes({ store, writer, pageSize, assignId: idAssigner(options.assignIds, store) })
  const failures = createFailureQueue()
  const requests: LoggedRequest[] = []
  let latencyMs = 0
  // What storage.load() returned or save() received last, and the store's revision at that moment.
  let lastSeen: MockBackendSnapshot | null = null
  let savedRevision = store.revision

  /** Takes what another backend sharing the storage (another tab) saved since. */
  function refresh(): void {
    if (!storage) return
    const loaded = storage.load()
    if (loaded === lastSeen) return
    store.replace(readSnapshot(loaded))
    lastSeen = loaded
    savedRevision = store.revision
  }

  function persist(): void {
    if (!storage || store.revision === savedRevision) return
    const snapshot = structuredClone(store.toSnapshot())
    storage.save(snapshot)
    lastSeen = snapshot
    savedRevision = store.revision
  }

  /** Runs a change to the data on the freshest state and saves it. */
  function mutate<TResult>(change: () => TResult): TResult {
    refresh()
    const result = change()
    persist()
    return result
  }

  function pathOf(url: string): string {
    if (ABSOLUTE_URL.test(base)) return url.startsWith(base) ? url.slice(base.length) : url
    const { pathname, search } = new URL(url)
    const local = pathname + search
    return local.startsWith(base) ? local.slice(base.length) : local
  }

  /** Runs a route under idempotency: a key seen with a success gets that answer again. */
  function apply(entry: LoggedRequest, route: Route, params: PathParams): Reply {
    const key = WRITE_METHODS.has(entry.method) && entry.idempotencyKey ? entry.idempotencyKey : null
    const remembered = key === null ? undefined : store.remembered(key)
    if (key !== null && remembered) {
      if (remembered.method !== entry.method || remembered.path !== entry.path)
        return errorReply(
          422,
          `The Idempotency-Key "${key}" was first used for ${remembered.method} ${remembered.path}; a key names one request. Send this one with a new key.`,
        )
      entry.replayed = true
      return { status: remembered.status, body: remembered.body, headers: { ...remembered.headers, 'Idempotent-Replayed': 'true' } }
    }
    const reply = route({
      entity: param(params, 'entity'),
      id: param(params, 'id'),
      body: entry.body,
      ifMatch: entry.ifMatch,
      query: new URL(entry.url).searchParams,
    })
    // Only successes are remembered, as most idempotency-key implementations do: an operation sent
    // again after a conflict or a rejection is judged afresh.
    if (key !== null && reply.status >= 200 && reply.status < 300) store.remember(key, { method: entry.method, path: entry.path, ...reply })
    return reply
  }

  /** What every request goes through: the log, failures, latency, then the route. */
  function serve(route: Route) {
    return async ({ request, params }: { request: Request; params: PathParams }): Promise<Response> => {
      // Logged and matched with a failure before anything is awaited, so both follow arrival order.
      const entry = startLogEntry(request, pathOf(request.url))
      requests.push(entry)
      const injected = failures.take(entry.method)
      entry.injected = injected?.failure ?? null
      // Latency counts from arrival, so a request sent before setLatency(0) still takes its time.
      const latency = latencyMs > 0 ? delay(latencyMs === Infinity ? 'infinite' : latencyMs) : undefined
      entry.body = parseBody(await request.text())
      await latency

      if (injected && typeof injected.failure === 'number') return answer(entry, failureReply(injected))
      if (injected?.failure === 'network') return answer(entry, 'network')
      const reply = mutate(() => apply(entry, route, params))
      // 'lost-response': the change is made (and its answer remembered), but the client never hears.
      return answer(entry, injected?.failure === 'lost-response' ? 'network' : reply)
    }
  }

  const collection = `${base}/:entity`
  const item = `${base}/:entity/:id`
  const handlers: HttpHandler[] = [
    http.get(collection, serve(routes.pull)),
    http.post(collection, serve(routes.create)),
    http.get(item, serve(routes.read)),
    http.patch(item, serve(routes.update)),
    http.delete(item, serve(routes.remove)),
  ]

  function existing(control: string, entity: string, id: MockRecordId): MockRecord {
    const current = store.get(entity, id)
    if (current) return current
    throw new SyncSetupError(
      `${control} found no ${entity} record with the id ${JSON.stringify(id)} in the mock backend. Seed it first: backend.seed(${JSON.stringify(entity)}, [{ id: ${JSON.stringify(id)}, … }]).`,
    )
  }

  refresh()

  return {
    handlers,
    get requests(): readonly LoggedRequest[] {
      return requests
    },
    seed(entity, records) {
      assertEntity('seed', entity)
      const rows = readSeedRecords(entity, records, versionField)
      mutate(() => {
        for (const record of rows) writer.put(entity, record)
      })
    },
    editRemote(entity, id, changes) {
      assertEntity('editRemote', entity)
      if (!isJsonObject(changes))
        throw new SyncSetupError("editRemote's changes must be an object of changed fields (a JSON merge patch), e.g. { title: 'Renamed' }.")
      const patch = structuredClone(changes)
      return structuredClone(mutate(() => writer.patch(entity, existing('editRemote', entity, id), patch)))
    },
    deleteRemote(entity, id) {
      assertEntity('deleteRemote', entity)
      mutate(() => writer.remove(entity, existing('deleteRemote', entity, id)))
    },
    records(entity) {
      refresh()
      return structuredClone(store.live(entity))
    },
    record(entity, id) {
      refresh()
      const current = store.get(entity, id)
      return current && structuredClone(current)
    },
    setLatency(ms) {
      // Above the largest setTimeout delay, timers fire at once; Infinity is how to say "never".
      if (typeof ms !== 'number' || Number.isNaN(ms) || ms < 0 || (ms > MAX_TIMEOUT_MS && ms !== Infinity))
        throw new SyncSetupError(
          `setLatency takes milliseconds from 0 to ${MAX_TIMEOUT_MS} (Infinity never answers, 0 turns latency off), got ${String(ms)}.`,
        )
      latencyMs = ms
    },
    failNext(count, failure, options) {
      failures.add(count, failure, options)
    },
    reset() {
      store.replace(null)
      requests.length = 0
      failures.clear()
      latencyMs = 0
      persist()
    },
    snapshot() {
      refresh()
      return structuredClone(store.toSnapshot())
    },
  }
}

function answer(entry: LoggedRequest, reply: Reply | 'network'): Response {
  if (reply === 'network') {
    entry.status = 'network'
    return HttpResponse.error()
  }
  entry.status = reply.status
  return toResponse(reply)
}

function param(params: PathParams, name: string): string {
  const value = params[name]
  return typeof value === 'string' ? value : ''
}

function resolveOptions(options: MockBackendOptions | undefined): Config {
  const { baseUrl, now, versionField = 'version', pageSize = 100, storage } = options ?? ({} as Partial<MockBackendOptions>)
  if (typeof baseUrl !== 'string')
    throw new SyncSetupError("createMockBackend needs a `baseUrl` string, the REST adapter's baseUrl, e.g. createMockBackend({ baseUrl: 'http://localhost/api' }).")
  if (now !== undefined && typeof now !== 'function')
    throw new SyncSetupError("createMockBackend's `now` option must be a function returning epoch milliseconds; leave it out to use Date.now.")
  if (typeof versionField !== 'string' || versionField === '' || versionField === 'id' || versionField === 'updatedAt')
    throw new SyncSetupError("createMockBackend's `versionField` must name a field other than id and updatedAt, e.g. 'version' (the default) or 'rev'.")
  if (!Number.isInteger(pageSize) || pageSize < 1)
    throw new SyncSetupError(`createMockBackend's \`pageSize\` must be an integer ≥ 1, got ${String(pageSize)}.`)
  if (storage !== undefined && (typeof storage?.load !== 'function' || typeof storage.save !== 'function'))
    throw new SyncSetupError(
      "createMockBackend's `storage` must have load() and save(snapshot), e.g. createWebStorage('my-app/mock-backend'); leave it out to keep the data in memory.",
    )
  return {
    base: baseUrl.replace(/\/+$/, ''),
    // Looked up at each call, never captured, so fake timers that replace Date.now are seen.
    now: now ?? (() => Date.now()),
    versionField,
    pageSize,
    storage,
  }
}

/** The id a create gets under the `assignIds` option (see MockBackendOptions.assignIds). */
function idAssigner(option: MockBackendOptions['assignIds'], store: ReturnType<typeof createDataStore>) {
  if (option === undefined || option === false) return undefined
  if (typeof option === 'function') return option
  const named = Array.isArray(option) ? new Set<unknown>(option) : null
  if (option !== true && (!named || [...named].some((entity) => typeof entity !== 'string')))
    throw new SyncSetupError(
      "createMockBackend's `assignIds` takes true, a list of entity names (['orders']) or a function (entity, record) => id; leave it out to keep the client's ids.",
    )
  return (entity: string): MockRecordId | undefined => {
    if (named && !named.has(entity)) return undefined
    // The next number after the live records, skipping any id held now or before (a deleted one stays taken).
    let next = store.live(entity).length + 1
    while (store.history(entity, String(next)).length > 0) next += 1
    return String(next)
  }
}

function assertEntity(control: string, entity: unknown): void {
  if (typeof entity !== 'string' || entity === '' || entity.includes('/'))
    throw new SyncSetupError(`${control} needs the entity name as in the URL, e.g. 'todos', got ${JSON.stringify(entity)}.`)
}

/** Copies of the records to seed, each checked for an id and a usable version. */
function readSeedRecords(entity: string, records: ReadonlyArray<{ id: MockRecordId }>, versionField: string): MockRecord[] {
  if (!Array.isArray(records)) throw new SyncSetupError(`seed takes an array of records, e.g. backend.seed('${entity}', [{ id: '1' }]).`)
  return records.map((record: unknown, index) => {
    if (!isJsonObject(record) || !((typeof record.id === 'string' && record.id !== '') || typeof record.id === 'number'))
      throw new SyncSetupError(`seed's record ${index} of ${entity} needs an "id" (a non-empty string or a number).`)
    const version = record[versionField]
    if (version !== undefined && !(Number.isInteger(version) && (version as number) >= 1))
      throw new SyncSetupError(
        `seed's record ${index} of ${entity} has ${versionField} ${JSON.stringify(version)}; versions are integers ≥ 1. Leave it out for 1.`,
      )
    return structuredClone(record) as MockRecord
  })
}
