import type { Context } from 'hono'
import { SyncServerBadRequestError, type SyncServerError } from './errors'
import type { JsonObject, OperationResult } from './types'

/** A JSON answer. */
export function jsonResponse(status: number, body: unknown, headers?: Record<string, string>): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } })
}

/** The `{ error: { code, message } }` answer of an error. */
export function errorResponse(error: SyncServerError): Response {
  return jsonResponse(error.status, error.toBody())
}

/** Reads the body as JSON; a body that is not JSON is a 400 `malformed-json`. */
export async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text()
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw new SyncServerBadRequestError('The body must be JSON (Content-Type: application/json).', 'malformed-json')
  }
}

/** The strong entity tag of a version, as sent in `ETag`: `"3"`. */
export function entityTag(version: unknown): string {
  return `"${String(version)}"`
}

/**
 * An operation's result as a REST answer, as the REST adapter reads it: the record (with its `ETag`)
 * for 2xx, 409 and 412; nothing for 204; `{ error: { code, message } }` otherwise.
 */
export function resultResponse(result: OperationResult, versionField: string): Response {
  if (result.status === 204) return new Response(null, { status: 204 })
  if (result.record) return jsonResponse(result.status, result.record, { ETag: entityTag((result.record as JsonObject)[versionField]) })
  if (result.error) return jsonResponse(result.status, { error: result.error })
  return jsonResponse(result.status, result.record ?? null)
}
