import type { Context } from 'hono'
import { isJsonObject } from '../core/mergePatch'
import { readFeedPage } from './changeFeed'
import type { ServerConfig, ServerEnv } from './context'
import { SyncServerBadRequestError, SyncServerError } from './errors'
import { entityTag, jsonResponse, readJson, resultResponse } from './http'
import { checkCollection, checkData, checkKey, checkRecordId } from './operation'
import { runWrites } from './runWrites'
import type { JsonObject, Operation, OperationKind } from './types'

const DIGITS = /^\d+$/

/**
 * The REST conventions `createRestAdapter` and the MSW mock speak, over the same tables and the same
 * {@link applyOperation} as the batch push: `POST /:collection` creates, `GET|PATCH|DELETE
 * /:collection/:id` read, patch (JSON merge patch) and delete, with `If-Match` and `Idempotency-Key`;
 * `GET /:collection?since=&limit=&<field>=…` pulls.
 */
export function buildRestRoutes(config: ServerConfig) {
  const collectionOf = (c: Context<ServerEnv>) => checkCollection(c.req.param('collection'), config.collections)

  async function write(c: Context<ServerEnv>, kind: OperationKind, recordId: string | number, data: unknown): Promise<Response> {
    const collection = collectionOf(c)
    const keyHeader = c.req.header('Idempotency-Key')
    const operation: Operation = {
      key: keyHeader === undefined ? null : checkKey(keyHeader, 'The Idempotency-Key header'),
      collection,
      recordId,
      kind,
      data: checkData(kind, recordId, data),
      ifMatch: kind === 'create' ? null : (c.req.header('If-Match') ?? null),
    }
    const [result] = await runWrites(config, c.get('caller'), null, [{ operation }])
    return resultResponse(result!, config.versionField)
  }

  return {
    async pull(c: Context<ServerEnv>): Promise<Response> {
      const collection = collectionOf(c)
      const query = new URL(c.req.url).searchParams
      const since = query.get('since') || null
      let limit = config.pageSize
      const limitText = query.get('limit')
      if (limitText !== null) {
        if (!DIGITS.test(limitText) || Number(limitText) < 1) throw new SyncServerBadRequestError(`"limit" must be an integer ≥ 1, got "${limitText}".`)
        limit = Math.min(Number(limitText), config.pageSize)
      }
      const filters = new Map<string, string[]>()
      for (const field of new Set(query.keys())) if (field !== 'since' && field !== 'limit') filters.set(field, query.getAll(field))
      const page = await readFeedPage(config.db, { scope: c.get('caller').scope, collection, since, limit, filters })
      return jsonResponse(200, page)
    },

    async read(c: Context<ServerEnv>): Promise<Response> {
      const collection = collectionOf(c)
      const id = c.req.param('id')!
      const { rows } = await config.db.query<{ data: JsonObject | null; version: number }>(
        'SELECT data, version FROM rtk_offline_records WHERE scope = $1 AND collection = $2 AND id = $3 AND data IS NOT NULL',
        [c.get('caller').scope, collection, id],
      )
      const found = rows[0]
      if (!found?.data) throw new SyncServerError(404, 'not-found', `No ${collection} record has the id "${id}".`)
      return jsonResponse(200, found.data, { ETag: entityTag(found.version) })
    },

    async create(c: Context<ServerEnv>): Promise<Response> {
      const collection = collectionOf(c)
      const body = await readJson(c)
      const sent = isJsonObject(body) ? body.id : undefined
      // Server-assigned ids: the body's id is the client's temporary one, not kept, and may be left out or
      // null (the create then goes as one of id '', which the server's id replaces).
      if (config.collections?.[collection]?.assignIds === true && (sent === undefined || sent === null) && isJsonObject(body))
        return write(c, 'create', '', { ...body, id: '' })
      return write(c, 'create', checkRecordId(sent, 'The record\'s "id"'), body)
    },

    async update(c: Context<ServerEnv>): Promise<Response> {
      collectionOf(c)
      return write(c, 'update', checkRecordId(c.req.param('id'), 'The record id'), await readJson(c))
    },

    async remove(c: Context<ServerEnv>): Promise<Response> {
      return write(c, 'delete', checkRecordId(c.req.param('id'), 'The record id'), null)
    },
  }
}
