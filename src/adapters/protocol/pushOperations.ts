import { SyncAdapterError, SyncHttpError, SyncInvalidResponseError, toErrorInfo } from '../../core/errors'
import type { SyncErrorInfo } from '../../core/errors'
import { isJsonObject } from '../../core/mergePatch'
import type { OutgoingOperation, SyncOutcome } from '../types'
import { httpError } from '../http/httpError'
import { identifyRecord, type RecordIdOf } from '../http/recordIdentity'
import { describeRequest, notJson, sendRequest, type HttpRequest, type Received } from '../http/sendRequest'
import { statusOutcome } from '../http/statusOutcome'
import { requestHeaders, type ProtocolConfig } from './protocolConfig'
import { readResult, resultOutcome } from './resultOutcome'

/** An operation of the push and its place in the batch the engine handed over. */
interface Item {
  index: number
  operation: OutgoingOperation
}

/**
 * Sends `operations` as `POST {baseUrl}/sync/push` requests of at most `batchSize` operations, each of
 * one user's operations with that user's headers, and returns one outcome per operation in the order
 * given. Never rejects.
 *
 * The requests go one after the other, not in parallel: the server writes this client's row
 * (`lastApplied`) in every push's transaction, so two requests of one client would wait on each other
 * there anyway, and in sequence `lastApplied` is the last operation of the last request. The engine
 * hands over one request's worth at a time when its `batchSize` matches, so nothing waits in practice.
 */
export async function pushOperations(config: ProtocolConfig, operations: readonly OutgoingOperation[], signal: AbortSignal, recordIdOf: RecordIdOf): Promise<SyncOutcome[]> {
  const outcomes: SyncOutcome[] = []
  for (const group of groupByUser(operations))
    for (let start = 0; start < group.length; start += config.batchSize)
      for (const [index, outcome] of await pushBatch(config, group.slice(start, start + config.batchSize), signal, recordIdOf)) outcomes[index] = outcome
  return outcomes
}

/** Durability invariant 4: a request carries the operations of one user only, in the order given. */
function groupByUser(operations: readonly OutgoingOperation[]): Item[][] {
  const groups = new Map<string | null, Item[]>()
  operations.forEach((operation, index) => {
    const group = groups.get(operation.userId) ?? []
    group.push({ index, operation })
    groups.set(operation.userId, group)
  })
  return [...groups.values()]
}

/** One request (or, after a 413, the requests of its halves); an outcome for each item. */
async function pushBatch(config: ProtocolConfig, items: Item[], signal: AbortSignal, recordIdOf: RecordIdOf): Promise<Array<[number, SyncOutcome]>> {
  const request: HttpRequest = {
    method: 'POST',
    url: `${config.baseUrl}/sync/push`,
    body: {
      clientId: config.clientId,
      operations: items.map(({ operation: { id, entity, recordId, kind, data, baseVersion } }) => ({ id, collection: entity, recordId, kind, data, baseVersion })),
    },
  }
  const what = describeRequest(config, request)
  const all = (outcome: SyncOutcome): Array<[number, SyncOutcome]> => items.map(({ index }) => [index, outcome])
  let result
  try {
    const headers = await requestHeaders(config, items[0]!.operation, 'application/json', true)
    result = await sendRequest(config, request, headers, signal)
  } catch (error) {
    // Only our callers' code lands here (`headers`, or data JSON cannot hold). Retrying keeps the changes.
    const message = `The sync protocol adapter failed while making ${what}: ${error instanceof Error ? error.message : String(error)}. Check the adapter's \`headers\` option and that the records are JSON.`
    return all({ type: 'retry', error: toErrorInfo(new SyncAdapterError(message, { cause: error })) })
  }
  if (result.type === 'failed') return all({ type: 'retry', error: toErrorInfo(result.error) })
  const { status } = result
  if (status === 413) {
    // The body is over the server's limit: send each half on its own, down to single operations.
    if (items.length === 1) return all({ type: 'reject', error: tooLarge(what, items[0]!.operation) })
    const half = Math.ceil(items.length / 2)
    return [...(await pushBatch(config, items.slice(0, half), signal, recordIdOf)), ...(await pushBatch(config, items.slice(half), signal, recordIdOf))]
  }
  if (status >= 200 && status < 300) return readResults(config, items, result, what, recordIdOf)
  // A 1xx or 3xx that fetch handed over is no answer to the push: the operations may not have arrived.
  if (status < 400) return all({ type: 'retry', error: invalid(what, status, `HTTP ${status}, not the push's results`) })
  // The whole request failed: 408, 425, 429, 5xx retry; 401, 403 auth; any other 4xx (a 409 or 412 of
  // the request itself included) reject, each with the server's message.
  const error = toErrorInfo(httpError(what, result))
  return all(status === 409 || status === 412 ? { type: 'reject', error } : statusOutcome(status, 'create', error, result.headers, config.now()))
}

/**
 * Durability invariant 5 (nothing trusted): `{ results: [...] }` with, at each operation's place, a
 * result naming that operation and no other result naming it. An operation whose result is missing,
 * duplicated, in another place or malformed is retried as `invalid-response` (the server replays what it
 * applied under the same id); a body that is no list of results retries them all.
 */
function readResults(config: ProtocolConfig, items: Item[], response: Received, what: string, recordIdOf: RecordIdOf): Array<[number, SyncOutcome]> {
  const { json } = response
  if (!isJsonObject(json) || !Array.isArray(json.results)) {
    const problem = json === undefined ? notJson(response) : 'JSON without a `results` list'
    const error = invalid(what, response.status, `${problem}; a captive portal or a proxy may have answered instead of the server`)
    return items.map(({ index }) => [index, { type: 'retry', error }])
  }
  const results = json.results as unknown[]
  const named = new Map<unknown, number>()
  for (const result of results) if (isJsonObject(result)) named.set(result.id, (named.get(result.id) ?? 0) + 1)
  const now = config.now()
  return items.map(({ index, operation }, place): [number, SyncOutcome] => {
    const about = `${what}: the ${operation.kind} of ${operation.entity} ${JSON.stringify(operation.recordId)} (operation ${operation.id})`
    const result = readResult(results[place])
    let problem: string
    if (typeof result === 'string') problem = `${result} at its place (${place})`
    else if (result.id !== operation.id) problem = `the result of ${JSON.stringify(result.id)} at its place (${place})`
    else if (named.get(operation.id) !== 1) problem = `${named.get(operation.id)} results for it`
    else {
      const outcome = resultOutcome(result, {
        kind: operation.kind,
        identify: (record) => identifyRecord(operation, record, recordIdOf),
        what: about,
        headers: response.headers,
        now,
      })
      if (typeof outcome !== 'string') return [index, outcome]
      problem = `${outcome} (status ${result.status})`
    }
    return [index, { type: 'retry', error: invalid(about, response.status, problem) }]
  })
}

function invalid(what: string, status: number, problem: string): SyncErrorInfo {
  return toErrorInfo(new SyncInvalidResponseError(`${what} answered ${status} with ${problem}. The operation will be retried.`, { status }))
}

function tooLarge(what: string, operation: OutgoingOperation): SyncErrorInfo {
  return toErrorInfo(
    new SyncHttpError(
      413,
      `${what} failed with 413: the ${operation.kind} of ${operation.entity} ${JSON.stringify(operation.recordId)} alone is larger than the server accepts. Make the record smaller, or raise the server's body limit.`,
    ),
  )
}
