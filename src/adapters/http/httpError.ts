import { SyncHttpError } from '../../core/errors'
import { isJsonObject, type JsonObject } from '../../core/mergePatch'
import type { Received } from './sendRequest'

const MAX_DETAIL_LENGTH = 200

/** `PATCH /todos/1 failed with 422: title is required`, or `… failed with HTTP 503 Service Unavailable`. */
export function httpError(what: string, response: Received): SyncHttpError {
  const detail = errorDetail(response)
  const message = detail
    ? `${what} failed with ${response.status}: ${detail}`
    : `${what} failed with HTTP ${response.status} ${response.statusText}`.trimEnd()
  return new SyncHttpError(response.status, message)
}

/** The server's own words: a JSON error field, else a short plain-text body. */
function errorDetail(response: Received): string | undefined {
  const { json } = response
  if (typeof json === 'string') return shorten(json)
  if (json !== undefined) return isJsonObject(json) ? jsonErrorMessage(json) : undefined
  const contentType = response.headers.get('Content-Type') ?? ''
  // Broken JSON and HTML error pages say nothing useful in a one-line message.
  if (contentType.includes('json') || contentType.includes('html') || response.text.trimStart().startsWith('<')) return undefined
  return shorten(response.text)
}

/** `message`, `error` (or `error.message`), then RFC 9457 `detail` and `title`; one short line. */
export function jsonErrorMessage(body: JsonObject): string | undefined {
  const nested = isJsonObject(body.error) ? body.error.message : undefined
  for (const candidate of [body.message, body.error, nested, body.detail, body.title]) {
    if (typeof candidate === 'string' && candidate.trim() !== '') return shorten(candidate)
  }
  return undefined
}

/** A detail for a message: on one line, at most 200 characters, or undefined when blank. */
export function shorten(text: string): string | undefined {
  const oneLine = text.replace(/\s+/g, ' ').trim()
  if (oneLine === '') return undefined
  return oneLine.length > MAX_DETAIL_LENGTH ? `${oneLine.slice(0, MAX_DETAIL_LENGTH - 1)}…` : oneLine
}
