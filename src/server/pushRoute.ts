import type { Context } from 'hono'
import { isJsonObject } from '../core/mergePatch'
import type { ServerConfig, ServerEnv } from './context'
import { SyncServerBadRequestError, SyncServerError } from './errors'
import { jsonResponse, readJson } from './http'
import { checkKey, parseBatchOperation } from './operation'
import { runWrites, type PlannedOperation } from './runWrites'
import type { BatchResult } from './types'

/**
 * `POST /sync/push` `{ clientId, operations: [{ id, collection, recordId, kind, data, baseVersion }] }`
 * → `{ results: [{ id, status, record? , error? }] }`, one per operation in order. A body that is not
 * this shape (or holds more than `maxBatch` operations, or an operation without an id) is refused
 * whole with 400 and nothing written; an operation that is bad on its own gets its own 400.
 */
export async function pushRoute(config: ServerConfig, c: Context<ServerEnv>): Promise<Response> {
  const body = await readJson(c)
  if (!isJsonObject(body) || !Array.isArray(body.operations))
    throw new SyncServerBadRequestError('The body must be { clientId, operations: [...] }.')
  const clientId = checkKey(body.clientId, '"clientId"')
  const { operations } = body
  if (operations.length > config.maxBatch)
    throw new SyncServerBadRequestError(
      `A push may carry at most ${config.maxBatch} operations, got ${operations.length}: send them in smaller batches.`,
      'batch-too-large',
    )
  const ids = operations.map((operation, index) => checkKey(isJsonObject(operation) ? operation.id : undefined, `operations[${index}].id`))
  const planned: PlannedOperation[] = operations.map((operation, index) => {
    try {
      return { operation: parseBatchOperation(operation, index, config.collections) }
    } catch (error) {
      if (!(error instanceof SyncServerError)) throw error
      return { refused: { status: error.status, error: { code: error.code, message: error.message } } }
    }
  })
  const results = await runWrites(config, c.get('caller'), clientId, planned, 'batch')
  return jsonResponse(200, { results: results.map((result, index): BatchResult => ({ id: ids[index]!, ...result })) })
}
