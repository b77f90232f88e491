import { SyncHttpError, SyncInvalidResponseError } from '../../core/errors'
import { isJsonObject } from '../../core/mergePatch'
import type { PullPage, PullRequest, SyncOutcome } from '../types'
import { httpError } from '../http/httpError'
import { isPullPageShape } from '../http/pullPageShape'
import { describeRequest, notJson, sendRequest, type HttpRequest } from '../http/sendRequest'
import { requestHeaders, type ProtocolConfig } from './protocolConfig'
import { readResult, resultOutcome } from './resultOutcome'

/**
 * One page of changes from `POST {baseUrl}/sync/pull`, with the outcomes of the operations it asked
 * about (`unanswered` → `answered`). Throws a SyncError when it cannot be had, and the engine retries;
 * a 410 (the cursor is ahead of the server, whose data was reset) is thrown with its status, and the
 * engine pulls again from the start.
 */
export async function pullChanges(config: ProtocolConfig, pull: PullRequest): Promise<PullPage> {
  const { signal, entity, cursor, limit, params, unanswered = [] } = pull
  const request: HttpRequest = {
    method: 'POST',
    url: `${config.baseUrl}/sync/pull`,
    body: { clientId: config.clientId, collection: entity, cursor, limit, params, unanswered },
  }
  const what = `${describeRequest(config, request)} of ${entity}`
  const result = await sendRequest(config, request, await requestHeaders(config, null, 'application/json', true), signal)
  if (result.type === 'failed') throw result.error
  if (result.status === 410)
    throw new SyncHttpError(410, `${what} failed with 410: the server no longer knows the cursor ${JSON.stringify(cursor)} (its data was reset); the next pull starts from the beginning.`)
  if (result.status < 200 || result.status >= 300) throw httpError(what, result)
  const body = result.json
  if (!isPullPageShape(body)) {
    // A captive portal's or a proxy's HTML is not a page of changes: say so, and the engine asks again.
    const problem = body === undefined ? notJson(result) : 'JSON that is not a page { changes: [{ id, record | null }], cursor, hasMore }'
    throw new SyncInvalidResponseError(`${what} answered ${result.status} with ${problem}; a captive portal or a proxy may have answered instead of the server. The pull will be retried.`, { status: result.status })
  }
  const page: PullPage = { changes: body.changes, cursor: body.cursor, hasMore: body.hasMore }
  const answered = readAnswered(body.answered, unanswered, config.now(), what)
  if (answered.length > 0) page.answered = answered
  return page
}

/**
 * Durability invariant 5 (nothing trusted): the answered outcomes of operations this pull asked about,
 * through the same status table as push results. An entry that is malformed, names an operation not
 * asked about or twice, or whose meaning depends on the operation's kind (a 404) is left out: that
 * operation is sent again, and the server replays its stored result under the same id. The engine
 * checks each record against its operation's record id.
 */
function readAnswered(value: unknown, asked: readonly string[], now: number, what: string): NonNullable<PullPage['answered']> {
  if (!Array.isArray(value)) return []
  const wanted = new Set(asked)
  const named = new Map<unknown, number>()
  for (const entry of value) if (isJsonObject(entry)) named.set(entry.id, (named.get(entry.id) ?? 0) + 1)
  const answered: NonNullable<PullPage['answered']> = []
  for (const entry of value) {
    const result = readResult(entry)
    if (typeof result === 'string' || !wanted.has(result.id) || named.get(result.id) !== 1) continue
    const outcome: SyncOutcome | string = resultOutcome(result, {
      kind: undefined,
      identify: (record) => record,
      what: `${what}: operation ${result.id}`,
      headers: new Headers(),
      now,
    })
    if (typeof outcome !== 'string') answered.push({ id: result.id, outcome })
  }
  return answered
}
