import type { Context } from 'hono'
import { isJsonObject } from '../core/mergePatch'
import { readFeedPage } from './changeFeed'
import type { ServerConfig, ServerEnv } from './context'
import { SyncServerBadRequestError } from './errors'
import { jsonResponse, readJson } from './http'
import { checkCollection, checkKey } from './operation'
import type { BatchResult, OperationResult } from './types'

/**
 * `POST /sync/pull` `{ clientId?, collection, cursor, limit?, params?, unanswered? }` → a page of the
 * change feed (see changeFeed.ts) with `lastApplied` (the client's last applied operation) and
 * `answered` (the stored results of the `unanswered` operation ids this scope has). The answers are
 * read before the page, so a page is never older than an answer it comes with.
 */
export async function pullRoute(config: ServerConfig, c: Context<ServerEnv>): Promise<Response> {
  const body = await readJson(c)
  if (!isJsonObject(body)) throw new SyncServerBadRequestError('The body must be { clientId, collection, cursor, limit, params, unanswered }.')
  const { scope } = c.get('caller')
  const collection = checkCollection(body.collection, config.collections)
  const clientId = body.clientId === undefined || body.clientId === null ? null : checkKey(body.clientId, '"clientId"')
  const cursor = body.cursor === undefined || body.cursor === null ? null : body.cursor
  if (cursor !== null && typeof cursor !== 'string') throw new SyncServerBadRequestError('"cursor" must be the cursor of the last page (a string), or null.')
  const limit = readLimit(body.limit, config.pageSize)
  const filters = readParams(body.params)
  const unanswered = body.unanswered ?? []
  if (!Array.isArray(unanswered) || unanswered.length > config.maxBatch)
    throw new SyncServerBadRequestError(`"unanswered" must be an array of at most ${config.maxBatch} operation ids.`)
  const keys = unanswered.map((key, index) => checkKey(key, `unanswered[${index}]`))

  const answered: BatchResult[] = []
  if (keys.length > 0) {
    const { rows } = await config.db.query<{ key: string; result: OperationResult }>(
      'SELECT key, result FROM rtk_offline_idempotency WHERE scope = $1 AND key = ANY($2::text[]) AND result IS NOT NULL',
      [scope, keys],
    )
    const byKey = new Map(rows.map((row) => [row.key, row.result]))
    for (const key of keys) {
      const result = byKey.get(key)
      if (result) answered.push({ id: key, ...result })
    }
  }
  let lastApplied: string | null = null
  if (clientId !== null) {
    const { rows } = await config.db.query<{ last_operation: string }>(
      'SELECT last_operation FROM rtk_offline_clients WHERE scope = $1 AND client_id = $2',
      [scope, clientId],
    )
    lastApplied = rows[0]?.last_operation ?? null
  }
  const page = await readFeedPage(config.db, { scope, collection, since: cursor, limit, filters })
  return jsonResponse(200, { ...page, lastApplied, answered })
}

function readLimit(value: unknown, pageSize: number): number {
  if (value === undefined || value === null) return pageSize
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new SyncServerBadRequestError(`"limit" must be an integer ≥ 1, got ${JSON.stringify(value)}.`)
  return Math.min(value, pageSize)
}

function readParams(value: unknown): Map<string, string[]> {
  if (value === undefined || value === null) return new Map()
  if (!isJsonObject(value)) throw new SyncServerBadRequestError('"params" must be an object of field → value (equality filters).')
  const filters = new Map<string, string[]>()
  for (const [field, wanted] of Object.entries(value)) {
    const values = Array.isArray(wanted) ? wanted : [wanted]
    if (!values.every((item) => typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean'))
      throw new SyncServerBadRequestError(`"params.${field}" must be a string, number or boolean (or an array of them).`)
    filters.set(field, values.map(String))
  }
  return filters
}
