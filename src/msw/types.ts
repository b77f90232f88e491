import type { HttpHandler } from 'msw'

/** A record's id as the backend stores it. URLs carry it as a string; `1` and `'1'` name the same record. */
export type MockRecordId = string | number

/**
 * A record the mock backend holds: any JSON object with an `id`. Stored records also carry the version
 * field (a number, 1 on create, one more per write) and `updatedAt` (epoch milliseconds of the last write).
 */
export interface MockRecord {
  id: MockRecordId
  [field: string]: unknown
}

/** One entry of the change log: the state of a record right after a write, `null` once deleted. */
export interface MockChange {
  /** Global and increasing over every entity: the first write is 1. */
  sequence: number
  entity: string
  id: MockRecordId
  record: MockRecord | null
}

/** A successful answer to a write, kept under its `Idempotency-Key` so a retry gets it again. */
export interface MockRememberedAnswer {
  /** The method and the path (relative to `baseUrl`) of the request that first used the key. */
  method: string
  path: string
  status: number
  body?: unknown
  headers?: Record<string, string>
}

/**
 * The whole state of a mock backend as plain JSON: what `storage.save` receives, `storage.load` returns
 * and `backend.snapshot()` gives. Made by the backend; to start from fixtures use `seed` instead.
 */
export interface MockBackendSnapshot {
  /** The shape of this object, for later versions of the kit. */
  format: 1
  /** The sequence number of the newest change, 0 before the first. */
  sequence: number
  /** The live records of each entity, in the order they were created. */
  records: Record<string, MockRecord[]>
  /** Every write, oldest first. Pulls are answered from it. */
  changes: MockChange[]
  /** Successful answers to writes, by `Idempotency-Key`. */
  idempotency: Record<string, MockRememberedAnswer>
}

/**
 * Where a mock backend keeps its data between page loads or between backends, e.g.
 * {@link createWebStorage}`('my-app-backend')` for `localStorage`.
 */
export interface MockBackendStorage {
  /**
   * The data saved last, or `null` to start empty. Called when the backend is created and again before
   * each request and control, so backends sharing one storage (browser tabs) act as one server.
   * Returning the very object passed to the last `save` tells the backend nothing changed.
   */
  load(): MockBackendSnapshot | null
  /** Called after every change to the data: a write, `seed`, `editRemote`, `deleteRemote`, `reset`. */
  save(snapshot: MockBackendSnapshot): void
}

/** Options of {@link createMockBackend}. */
export interface MockBackendOptions {
  /**
   * Where the REST API lives, the same string as the REST adapter's `baseUrl`. Absolute in Node
   * (`'http://localhost/api'`); relative paths (`'/api'`) work where the page has a location (browsers,
   * jsdom).
   * @example 'http://localhost/api'
   */
  baseUrl: string
  /**
   * The clock that stamps `updatedAt` (epoch milliseconds) on every write.
   * @default () => Date.now()
   */
  now?: () => number
  /**
   * The field that holds a record's version: a number, 1 on create and one more on every write,
   * compared with `If-Match`.
   * @default 'version'
   */
  versionField?: string
  /**
   * The most changes one pull returns, and how many it returns when the request has no `limit`.
   * @default 100
   */
  pageSize?: number
  /**
   * Keeps the data outside the backend, e.g. {@link createWebStorage} so it survives page reloads.
   * @default none: the data lives in memory only
   */
  storage?: MockBackendStorage
  /**
   * Server-assigned ids (for entities created with `serverIds`): `POST {baseUrl}/{entity}` stores the new
   * record under an id the backend gives it, not the one in the body, and answers it. `true` numbers
   * each entity's records `'1'`, `'2'`, … (skipping ids held now or before); a list of entity names
   * numbers those only (as the reference server's `collections: { orders: { assignIds: true } }`); a
   * function gives the id of each create, or undefined to keep the body's for that entity. A repeated
   * `Idempotency-Key` gets the same id again.
   * @default false: ids are the client's
   * @example assignIds: ['orders']
   * @example assignIds: (entity) => (entity === 'lists' ? crypto.randomUUID() : undefined)
   */
  assignIds?: boolean | readonly string[] | ((entity: string, record: MockRecord) => MockRecordId | undefined)
}

/**
 * How {@link MockBackend.failNext} fails a request: an HTTP error status (400–599) answered without
 * looking at the request; `'network'`, the connection drops and nothing is applied; `'lost-response'`,
 * the request is applied (and its answer remembered under its `Idempotency-Key`), then the connection
 * drops before the answer arrives.
 */
export type MockFailure = number | 'network' | 'lost-response'

/** Options of {@link MockBackend.failNext}. */
export interface MockFailureOptions {
  /**
   * Sent as the `Retry-After` header of a status failure: seconds (`'3'` or `3`) or an HTTP date.
   * @default no header
   */
  retryAfter?: string | number
  /**
   * The body of a status failure: a string is sent as text, anything else as JSON.
   * @default { message: 'Injected <status> failure' }
   */
  body?: unknown
  /**
   * Only requests with one of these methods count and fail, e.g. `['POST', 'PATCH', 'DELETE']` so pulls
   * go through.
   * @default every method
   */
  methods?: readonly string[]
}

/** One request as the backend saw it. */
export interface LoggedRequest {
  /** Upper case, e.g. `'PATCH'`. */
  method: string
  url: string
  /** The URL relative to `baseUrl`, with its query, e.g. `'/todos/1'` or `'/todos?since=3'`. */
  path: string
  idempotencyKey: string | null
  ifMatch: string | null
  /** Every header, names in lower case. */
  headers: Record<string, string>
  /** The parsed JSON body, the raw text when it is not JSON, or undefined when empty. */
  body: unknown
  /**
   * What the client got: a status, `'network'` when the connection was dropped (also after a
   * `'lost-response'` that applied the request), or undefined while the answer is still on its way.
   */
  status: number | 'network' | undefined
  /** The {@link MockBackend.failNext} failure that hit this request, or null. */
  injected: MockFailure | null
  /** True when the answer was the remembered one for a repeated `Idempotency-Key` (nothing applied). */
  replayed: boolean
}

/** One entry of a pull: the latest state of a record, or `record: null` when the client should drop it. */
export interface MockPullChange {
  id: MockRecordId
  record: MockRecord | null
}

/** The body of a pull, `GET {baseUrl}/{entity}?since=<cursor>&limit=<n>`. */
export interface MockPullPage {
  /** At most `limit` records, in the order they last changed. */
  changes: MockPullChange[]
  /** Opaque: send it as `since` to get what follows. */
  cursor: string
  /** True when more changes follow this page: pull again with `cursor` at once. */
  hasMore: boolean
  /**
   * Only when the pull named `unanswered` keys (confirmation by pull, the REST adapter's `confirmByPull`):
   * the remembered answer of each of those writes to this collection, as the backend first answered it.
   * Writes it never applied are left out.
   */
  answered?: MockAnsweredWrite[]
}

/** The stored answer of one write, by its `Idempotency-Key` (`id`), as a pull hands it back. */
export interface MockAnsweredWrite {
  id: string
  status: number
  /** The answer's JSON body (the record for 200 and 201); absent for 204. */
  body?: unknown
}

/** What {@link createMockBackend} returns: the MSW handlers and the controls a test drives. */
export interface MockBackend {
  /** Pass to `setupServer(...backend.handlers)` (Node) or `setupWorker(...backend.handlers)` (browser). */
  readonly handlers: HttpHandler[]
  /**
   * Every request received, oldest first. The same array for the backend's whole life (`reset` empties
   * it); an entry's `status` is filled in when the answer leaves.
   */
  readonly requests: readonly LoggedRequest[]
  /**
   * Stores records as they are, without a request: each needs an `id`; the version defaults to 1 and a
   * missing `updatedAt` is stamped. They appear in pulls. A record with the id of a stored one replaces it.
   * @example backend.seed('todos', [{ id: '1', title: 'Buy milk', done: false }])
   */
  seed<TRecord extends { id: MockRecordId }>(entity: string, records: ReadonlyArray<TRecord>): void
  /** Someone else changed a record: applies `changes` as a JSON merge patch, bumps the version, stamps `updatedAt`, returns a copy. Throws when the record is not there. */
  editRemote(entity: string, id: MockRecordId, changes: Record<string, unknown>): MockRecord
  /** Someone else deleted a record: pulls report it as `{ id, record: null }`. Throws when the record is not there. */
  deleteRemote(entity: string, id: MockRecordId): void
  /** Copies of the live records of `entity`, in the order they were created. */
  records(entity: string): MockRecord[]
  /** A copy of one live record, or undefined. */
  record(entity: string, id: MockRecordId): MockRecord | undefined
  /**
   * Every answer waits `ms` first, with MSW's `delay` (fake timers move it). `Infinity` never answers,
   * for timeouts; 0 turns it off.
   */
  setLatency(ms: number): void
  /**
   * The next `count` requests (only those with `options.methods`, when given) fail with `failure`, in
   * the order they arrive. Calls add up: `failNext(1, 500); failNext(1, 'network')` fails the next two.
   */
  failNext(count: number, failure: MockFailure, options?: MockFailureOptions): void
  /** Forgets records, the change log, idempotency keys, requests, failures and latency; saves the empty state. */
  reset(): void
  /** The whole state as plain JSON (a copy). */
  snapshot(): MockBackendSnapshot
}

/** The part of the Web Storage API (`localStorage`, `sessionStorage`) that {@link createWebStorage} uses. */
export interface WebStorageLike {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
}
