import type { OutgoingOperation, PullPage, PullRequest } from '../types'

/** Headers to add to a request; an `undefined` value leaves that header out. */
export type RestHeaders = Record<string, string | undefined>

/**
 * The `fetch` the adapter calls. Anything with the shape of the global `fetch` fits, so a test double,
 * `undici`'s fetch or a wrapper that logs requests can stand in for it.
 */
export type RestFetch = (input: string, init: RequestInit) => Promise<Response>

/** What a route tells the adapter to send. */
export interface RestRequest {
  /** The HTTP method, e.g. `'PATCH'`. */
  method: string
  /** The absolute (or, in a browser, page-relative) URL. */
  url: string
  /** Sent as JSON (`JSON.stringify`) with `Content-Type: application/json`; leave it out for no body. */
  body?: unknown
  /** Headers for this request only; they win over the adapter's own and over the `headers` option. */
  headers?: Record<string, string>
}

/** What a route gets besides the operation. */
export interface RestRouteContext {
  /** The adapter's `baseUrl`, without a trailing slash. */
  baseUrl: string
}

/** Turns an operation into the request that carries it. */
export type RestRoute = (operation: OutgoingOperation, context: RestRouteContext) => RestRequest

/**
 * Where each kind of operation goes. Any route left out keeps its default; ids are URL-encoded by the
 * defaults, the entity name is used as it is (so it may hold a path such as `'v2/todos'`).
 */
export interface RestRoutes {
  /**
   * Sends a new record.
   * @default op => ({ method: 'POST', url: `${baseUrl}/${op.entity}`, body: op.data })
   */
  create?: RestRoute
  /**
   * Sends the changed fields as a JSON merge patch (RFC 7386).
   * @default op => ({ method: 'PATCH', url: `${baseUrl}/${op.entity}/${id}`, body: op.data })
   */
  update?: RestRoute
  /**
   * Deletes a record.
   * @default op => ({ method: 'DELETE', url: `${baseUrl}/${op.entity}/${id}` })
   */
  delete?: RestRoute
  /**
   * Reads the server's current copy of a record. Used only after a 409 or 412 whose body did not carry
   * the record, to learn what the conflict is with. Override it together with `update` when your API
   * keeps records somewhere else.
   * @default op => ({ method: 'GET', url: `${baseUrl}/${op.entity}/${id}` })
   */
  read?: RestRoute
  /**
   * How to ask for a page of remote changes. With `confirmByPull`, the request carries `unanswered`
   * (the ids to ask about) when there are some; without it, never.
   * @default GET {baseUrl}/{entity}?since=<cursor>&limit=<limit>&<params> (no `since` on the first pull),
   * and `&unanswered=<id>` for each id asked about
   */
  pull?: (request: Omit<PullRequest, 'signal'>, context: RestRouteContext) => RestRequest
}

/**
 * Reads a page of remote changes from a pull response body.
 * @default the body itself when it is `{ changes: [{ id, record | null }], cursor, hasMore }`
 */
export type ParsePull = (body: unknown, request: Omit<PullRequest, 'signal'>) => PullPage

/**
 * Pulls the server's record out of a JSON response body, or returns `null`/`undefined` when the body
 * holds none. Called for successful responses and for conflict (409, 412) responses. The record must be
 * the operation's (its id, read with the entity's `selectId`, equal to `operation.recordId`): a success
 * with another record is an `invalid-response` retry, a conflict body that is not the record is followed
 * by `routes.read`.
 */
export type ParseRecord = (
  body: unknown,
  operation: OutgoingOperation,
) => Record<string, unknown> | null | undefined

/** Options of {@link createRestAdapter}. */
export interface RestAdapterOptions {
  /**
   * Where the API lives; a trailing slash is ignored. Required.
   * @example 'https://api.example.com/v1'
   */
  baseUrl: string
  /**
   * Headers added to every request, or a function (sync or async) called before each request, so an
   * auth token is always the current one. It gets the operation the request is for (null for pulls);
   * `operation.userId` is the user the change was made under (`persistor.switchUser`): return that
   * user's credentials. When another user signs in while headers are being made, the request is
   * aborted before it leaves, so it never goes out with the new user's token.
   * @default {}
   * @example
   * headers: async () => ({ Authorization: `Bearer ${await auth.getToken()}` })
   * @example
   * // With several users on one device: the token of the user the operation belongs to.
   * headers: async (operation) => ({ Authorization: `Bearer ${await auth.getToken(operation?.userId)}` })
   */
  headers?: RestHeaders | ((operation: OutgoingOperation | null) => RestHeaders | Promise<RestHeaders>)
  /**
   * The `fetch` to send requests with.
   * @default (input, init) => globalThis.fetch(input, init), looked up on each call so a test can replace it
   */
  fetch?: RestFetch
  /**
   * Per-kind overrides of where and how operations are sent; kinds left out keep their defaults.
   * @default POST `{baseUrl}/{entity}`, PATCH and DELETE `{baseUrl}/{entity}/{id}`, GET `{baseUrl}/{entity}/{id}`
   * @example
   * routes: {
   *   update: (op, { baseUrl }) => ({ method: 'PUT', url: `${baseUrl}/${op.entity}/${op.recordId}`, body: op.data }),
   * }
   */
  routes?: RestRoutes
  /**
   * Pulls the server's record out of a JSON body, for APIs that wrap it.
   * @default body => body when it is a plain object, else undefined
   * @example
   * parseRecord: body => (body as { data?: Record<string, unknown> }).data
   */
  parseRecord?: ParseRecord
  /**
   * How to read a pull response.
   * @default the body when it is `{ changes: [{ id, record | null }], cursor, hasMore }` (and, with
   * `confirmByPull`, its `answered` read as described there)
   */
  parsePull?: ParsePull
  /**
   * Confirmation by pull, for backends that keep their answer per `Idempotency-Key` (the mock backend of
   * `rtk-offline/msw` does; so must yours, in the same transaction as the change). Each pull then names
   * the operations whose answer may have been lost as repeated `unanswered=<operation id>` query
   * parameters (the default `routes.pull`), and the page's `answered: [{ id, status, body }]` (the status
   * and JSON body the backend answered that write with) settles them without sending them again: a 2xx
   * confirms (its body, when an object, is the server's record), a 409 or 412 whose body is the record
   * is a conflict, another 4xx but 401, 403, 404, 408, 410, 425 and 429 is a refusal. Anything else (a
   * 404, whose meaning depends on the kind of write, a transient status, a body that is not the record)
   * is left out, and the operation is sent again under its key, as without this option.
   *
   * Off, the adapter sends no `unanswered` and ignores an `answered` in the body.
   * @default false
   */
  confirmByPull?: boolean
  /**
   * Also send the base version in the body of updates, under this field (for APIs that check it there
   * rather than in `If-Match`).
   * @default undefined (only If-Match)
   */
  versionInBody?: string
  /**
   * The clock, in epoch milliseconds; used to turn a `Retry-After` date into a delay.
   * @default () => Date.now()
   */
  now?: () => number
}
