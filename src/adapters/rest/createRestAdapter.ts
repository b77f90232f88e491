import { SyncAdapterError, SyncHttpError, SyncInvalidResponseError, SyncSetupError, toErrorInfo } from '../../core/errors'
import type { Version } from '../../types'
import { isJsonObject, type JsonObject } from '../../core/mergePatch'
import type { OutgoingOperation, SyncAdapter, SyncOutcome } from '../types'
import { describeRequest as describe, notJson, sendRequest, type Received } from '../http/sendRequest'
import { httpError, jsonErrorMessage, shorten } from '../http/httpError'
import { retryOutcome, statusOutcome } from '../http/statusOutcome'
import { defaultRecordIdOf, identifyRecord, type RecordIdOf } from '../http/recordIdentity'
import { isPullPageShape } from '../http/pullPageShape'
import type { ParsePull, ParseRecord, RestAdapterOptions, RestFetch, RestHeaders, RestRequest, RestRoutes } from './types'
import type { PullPage, PullRequest } from '../types'

/** The adapter's options with every default filled in. */
interface Config {
  baseUrl: string
  headers: NonNullable<RestAdapterOptions['headers']>
  fetch: RestFetch
  routes: Required<RestRoutes>
  parseRecord: ParseRecord
  parsePull: ParsePull
  now: () => number
  versionInBody: string | undefined
  confirmByPull: boolean
}

/**
 * Creates a {@link SyncAdapter} for a JSON REST API: one request per operation (`POST` to create,
 * `PATCH` with a JSON merge patch to update, `DELETE` to delete), with the operation id as
 * `Idempotency-Key` and the base version as `If-Match`. Responses become outcomes: 2xx `ok`, 409/412
 * `conflict`, 408/425/429/5xx and network failures `retry`, 401/403 `auth`, other 4xx `reject`.
 * A 2xx whose body is not the record (HTML, text, another record) is an `invalid-response` retry;
 * 204 and an empty body are `ok`. `push` never throws.
 *
 * @example
 * const adapter = createRestAdapter({
 *   baseUrl: 'https://api.example.com/v1',
 *   headers: async () => ({ Authorization: `Bearer ${await auth.getToken()}` }),
 * })
 */
export function createRestAdapter(options: RestAdapterOptions): SyncAdapter {
  const config = buildConfig(options)
  return {
    push(operations, options) {
      // The engine always passes a signal; a hand-written call without one must still not throw.
      const signal = options?.signal ?? new AbortController().signal
      const recordIdOf = options?.recordIdOf ?? defaultRecordIdOf
      return Promise.all(operations.map((operation) => pushOne(config, operation, signal, recordIdOf)))
    },
    pull: (request) => pullPage(config, request),
  }
}

function buildConfig(options: RestAdapterOptions | undefined): Config {
  const baseUrl = options?.baseUrl
  const { fetch, parseRecord, parsePull, now, routes = {} } = options ?? {}
  // Programmer errors, checked in development only (as RTK checks its options): a production build
  // (NODE_ENV=production) drops these checks and their messages.
  if (process.env.NODE_ENV !== 'production') {
    if (typeof baseUrl !== 'string') {
      throw new SyncSetupError(
        "createRestAdapter needs a `baseUrl` string, e.g. createRestAdapter({ baseUrl: 'https://api.example.com/v1' }).",
      )
    }
    assertOptionalFunction('fetch', fetch)
    assertOptionalFunction('parseRecord', parseRecord)
    assertOptionalFunction('parsePull', parsePull)
    assertOptionalFunction('now', now)
    for (const kind of ['create', 'update', 'delete', 'read', 'pull'] as const) assertOptionalFunction(`routes.${kind}`, routes[kind])
  }
  return {
    baseUrl: baseUrl!.replace(/\/+$/, ''),
    headers: options?.headers ?? {},
    // Looked up on every call, never captured at import, so tests and polyfills can replace the global.
    fetch: fetch ?? ((input, init) => globalThis.fetch(input, init)),
    routes: { ...defaultRoutes, ...routes },
    parseRecord: parseRecord ?? defaultParseRecord,
    parsePull: parsePull ?? (options?.confirmByPull === true ? parsePullWithAnswers : defaultParsePull),
    versionInBody: options?.versionInBody,
    confirmByPull: options?.confirmByPull === true,
    now: now ?? (() => Date.now()),
  }
}

function assertOptionalFunction(name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') {
    throw new SyncSetupError(`createRestAdapter's \`${name}\` option must be a function; leave it out to use the default.`)
  }
}

function recordUrl(operation: OutgoingOperation, baseUrl: string): string {
  return `${baseUrl}/${operation.entity}/${encodeURIComponent(String(operation.recordId))}`
}

const defaultRoutes: Required<RestRoutes> = {
  create: (operation, { baseUrl }) => ({ method: 'POST', url: `${baseUrl}/${operation.entity}`, body: operation.data }),
  update: (operation, { baseUrl }) => ({ method: 'PATCH', url: recordUrl(operation, baseUrl), body: operation.data }),
  delete: (operation, { baseUrl }) => ({ method: 'DELETE', url: recordUrl(operation, baseUrl) }),
  read: (operation, { baseUrl }) => ({ method: 'GET', url: recordUrl(operation, baseUrl) }),
  pull: ({ entity, cursor, limit, params, unanswered }, { baseUrl }) => {
    const query = new URLSearchParams(params)
    if (cursor !== null) query.set('since', cursor)
    query.set('limit', String(limit))
    // Only with confirmByPull: pullPage leaves `unanswered` out of the request otherwise.
    for (const id of unanswered ?? []) query.append('unanswered', id)
    return { method: 'GET', url: `${baseUrl}/${entity}?${query}` }
  },
}

/** The default parsePull, with `answered` read (confirmByPull): see {@link RestAdapterOptions.confirmByPull}. */
function parsePullWithAnswers(body: unknown): PullPage {
  const page = defaultParsePull(body)
  const wire = (body as { answered?: unknown }).answered
  if (wire === undefined) return page
  // Not a list: handed on as it is, so the engine reports it (onError) and still applies the page.
  if (!Array.isArray(wire)) return { ...page, answered: wire as PullPage['answered'] }
  const answered: NonNullable<PullPage['answered']> = []
  for (const entry of wire as unknown[]) {
    if (!isJsonObject(entry) || typeof entry.id !== 'string' || typeof entry.status !== 'number') continue
    const outcome = storedAnswerOutcome(entry.id, entry.status, entry.body)
    if (outcome) answered.push({ id: entry.id, outcome })
  }
  return { ...page, answered }
}

/**
 * The outcome of a write as the backend stored its answer, when the status alone says it: the same
 * mapping as a push answer's (toOutcome), without the operation, so a 404 (`ok` for a delete, a
 * conflict for an update) and anything else that needs a second look are left out (undefined).
 */
function storedAnswerOutcome(id: string, status: number, body: unknown): SyncOutcome | undefined {
  if (status >= 200 && status < 300) {
    if (body === undefined || body === null) return { type: 'ok' }
    return isJsonObject(body) ? { type: 'ok', record: body } : undefined
  }
  if (status === 409 || status === 412) return isJsonObject(body) ? { type: 'conflict', remote: body } : undefined
  if (status >= 400 && status < 500 && ![401, 403, 404, 408, 410, 425, 429].includes(status)) {
    const detail = isJsonObject(body) ? jsonErrorMessage(body) : typeof body === 'string' ? shorten(body) : undefined
    const message = `The backend refused operation ${id} with ${status}${detail ? `: ${detail}` : ''} (its stored answer, read by a pull).`
    return { type: 'reject', error: toErrorInfo(new SyncHttpError(status, message)) }
  }
  return undefined
}

function defaultParsePull(body: unknown): PullPage {
  // The three fields only: an `answered` is read by parsePullWithAnswers, with confirmByPull on.
  if (isPullPageShape(body)) return { changes: body.changes, cursor: body.cursor, hasMore: body.hasMore }
  throw new SyncAdapterError(
    "A pull response must be { changes: [{ id, record | null }], cursor, hasMore }; pass the REST adapter's parsePull option to read another shape.",
  )
}

/** One page of remote changes; throws a SyncError when it cannot be had, and the engine retries. */
async function pullPage(config: Config, pull: PullRequest): Promise<PullPage> {
  const { signal, unanswered, ...asked } = pull
  // Without confirmByPull the backend is not asked about operations (it may not keep answers).
  const request: Omit<PullRequest, 'signal'> = config.confirmByPull && unanswered && unanswered.length > 0 ? { ...asked, unanswered } : asked
  const route = config.routes.pull(request, { baseUrl: config.baseUrl })
  const result = await sendRequest(config, route, await buildHeaders(config, null, route), signal)
  if (result.type === 'failed') throw result.error
  if (result.status < 200 || result.status >= 300) throw httpError(describe(config, route), result)
  // A captive portal's or a proxy's HTML is not a page of changes: say so, and the engine asks again.
  if (result.json === undefined && result.text.trim() !== '')
    throw new SyncInvalidResponseError(
      `${describe(config, route)} answered ${result.status} with ${notJson(result)}; a captive portal or a proxy may have answered instead of the backend. The pull will be retried.`,
      { status: result.status },
    )
  return config.parsePull(result.json, request)
}

function defaultParseRecord(body: unknown): JsonObject | undefined {
  return isJsonObject(body) ? body : undefined
}

/** Sends one operation and maps what happened to its outcome. Never rejects. */
async function pushOne(config: Config, operation: OutgoingOperation, signal: AbortSignal, recordIdOf: RecordIdOf): Promise<SyncOutcome> {
  let request: RestRequest | undefined
  try {
    request = config.routes[operation.kind](operation, { baseUrl: config.baseUrl })
    if (config.versionInBody && operation.kind === 'update' && operation.baseVersion !== null && typeof request.body === 'object' && request.body !== null)
      request = { ...request, body: { ...(request.body as JsonObject), [config.versionInBody]: operation.baseVersion } }
    const headers = await buildHeaders(config, operation, request, true)
    const result = await sendRequest(config, request, headers, signal)
    if (result.type === 'failed') return { type: 'retry', error: toErrorInfo(result.error) }
    return await toOutcome(config, operation, request, result, signal, recordIdOf)
  } catch (error) {
    // Only our callers' code lands here (a route, `headers`, `parseRecord`, a body that JSON cannot
    // hold). Retrying keeps the change: on a 2xx the server has already applied it, so rejecting
    // would roll back a change that was made.
    const what = request ? describe(config, request) : `the ${operation.kind} of ${operation.entity} ${String(operation.recordId)}`
    const message = `The REST adapter failed while sending ${what}: ${error instanceof Error ? error.message : String(error)}. Check the adapter's \`routes\`, \`headers\` and \`parseRecord\` options.`
    return { type: 'retry', error: toErrorInfo(new SyncAdapterError(message, { cause: error })) }
  }
}

/**
 * The adapter's own headers, then the `headers` option, then the route's, later ones winning. Writes
 * carry the idempotency key and base version; the conflict read does not need them. A pull (no
 * operation) gets only `Accept` of the adapter's own.
 */
async function buildHeaders(config: Config, operation: OutgoingOperation | null, request: RestRequest, isWrite?: boolean): Promise<Headers> {
  const headers = new Headers({ Accept: 'application/json' })
  if (operation && request.body !== undefined) headers.set('Content-Type', 'application/json')
  if (isWrite && operation) {
    headers.set('Idempotency-Key', operation.id)
    if (operation.baseVersion !== null) headers.set('If-Match', formatIfMatch(operation.baseVersion))
  }
  const extra: RestHeaders = typeof config.headers === 'function' ? await config.headers(operation) : config.headers
  for (const values of [extra, request.headers ?? {}])
    for (const [name, value] of Object.entries(values)) if (value !== undefined) headers.set(name, value)
  return headers
}

/** An entity tag is a quoted string; a version that already is one (strong or weak) goes as it is. */
function formatIfMatch(version: Version): string {
  const text = String(version)
  return text.startsWith('"') || text.startsWith('W/"') ? text : `"${text}"`
}

async function toOutcome(
  config: Config,
  operation: OutgoingOperation,
  request: RestRequest,
  response: Received,
  signal: AbortSignal,
  recordIdOf: RecordIdOf,
): Promise<SyncOutcome> {
  const { status } = response
  const isConflict = status === 409 || status === 412
  if (!isConflict && (status < 200 || status >= 300))
    return statusOutcome(status, operation.kind, toErrorInfo(httpError(describe(config, request), response)), response.headers, config.now())
  // What the body holds instead of the record in question, if anything: checked for a success and a conflict alike.
  const body = ownRecord(config, operation, response, recordIdOf)
  if (isConflict) {
    // Only a body that is the record in question is the server's copy; an error message, another
    // record or an HTML page is not, so read the record (routes.read) as for an empty body.
    if (isJsonObject(body)) return { type: 'conflict', remote: body }
    return readRemote(config, operation, request, response, signal, recordIdOf)
  }
  // Durability invariant 5 (nothing trusted): a success is a confirmation only when its body is what
  // the route answers (nothing, or the record in question). HTML from a captive portal or a proxy's
  // login page, text that is not JSON or another record mean the backend may never have seen the
  // change: retry it (the idempotency key makes that safe) and say why.
  const isDelete = operation.kind === 'delete'
  // A delete has no record to check; any JSON answer will do, but HTML or text may not be the backend's.
  if (typeof body !== 'string' || (isDelete && response.json !== undefined))
    return body && !isDelete ? { type: 'ok', record: body as JsonObject } : { type: 'ok' }
  return { type: 'retry', error: toErrorInfo(invalidResponse(config, request, response, body)) }
}

/**
 * Reads the record of `operation` from a response body: the record when it is the one in question (its
 * id, read with the entity's `selectId` the engine passes, else its `id` field, equals the operation's
 * record id as a string); `undefined` for a record without any id (a partial answer such as
 * `{ version: 4 }`, taken as the operation's but unidentified); `null` when the body holds nothing; else
 * what the body holds instead (JSON that is no record, another record, or a body that is not JSON: the
 * only problem of a response whose `json` is undefined).
 */
function ownRecord(config: Config, operation: OutgoingOperation, response: Received, recordIdOf: RecordIdOf): JsonObject | string | null | undefined {
  if (response.status === 204 || response.text.trim() === '' || response.json === null) return null
  if (response.json === undefined) return notJson(response)
  const record = config.parseRecord(response.json, operation)
  // A parseRecord of the app's that finds no record says the body holds none (`{ status: 'queued' }`).
  if ((record === undefined || record === null) && config.parseRecord !== defaultParseRecord) return null
  if (!isJsonObject(record)) return 'JSON that holds no record (check the `parseRecord` option)'
  return identifyRecord(operation, record, recordIdOf)
}

function invalidResponse(config: Config, request: RestRequest, response: Received, problem: string): SyncInvalidResponseError {
  return new SyncInvalidResponseError(
    `${describe(config, request)} answered ${response.status} with ${problem}, not the record it sent; a captive portal or a proxy may have answered instead of the backend. The operation will be retried.`,
    { status: response.status },
  )
}

/**
 * The conflict response did not say what the server holds, so ask: GET the record. Gone means a
 * conflict with null; any other failure means we cannot tell yet, so try the operation again later.
 */
async function readRemote(
  config: Config,
  operation: OutgoingOperation,
  conflictRequest: RestRequest,
  conflictResponse: Received,
  signal: AbortSignal,
  recordIdOf: RecordIdOf,
): Promise<SyncOutcome> {
  const request = config.routes.read(operation, { baseUrl: config.baseUrl })
  const result = await sendRequest(config, request, await buildHeaders(config, operation, request), signal)
  if (result.type === 'failed') return { type: 'retry', error: toErrorInfo(result.error) }
  const conflict = `${describe(config, conflictRequest)} conflicted with ${conflictResponse.status}, and reading the current record with`
  if (result.status >= 200 && result.status < 300) {
    const body = ownRecord(config, operation, result, recordIdOf)
    if (isJsonObject(body)) return { type: 'conflict', remote: body }
    const problem = body === undefined ? 'a record without its id' : (body ?? 'no record')
    const message = `${conflict} ${describe(config, request)} returned ${problem}. Check the adapter's \`routes.read\` and \`parseRecord\` options; the operation will be retried.`
    return { type: 'retry', error: toErrorInfo(new SyncInvalidResponseError(message, { status: result.status })) }
  }
  if (result.status === 404 || result.status === 410) return { type: 'conflict', remote: null }
  return retryOutcome(toErrorInfo(httpError(`${conflict} ${describe(config, request)}`, result)), result.headers, config.now())
}

