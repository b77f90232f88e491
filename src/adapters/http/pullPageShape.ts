import { isJsonObject } from '../../core/mergePatch'
import type { PullPage } from '../types'

/** Whether a response body is a page of changes: `{ changes: [{ id, record | null }], cursor, hasMore }`. */
export function isPullPageShape(body: unknown): body is PullPage & Record<string, unknown> {
  return (
    isJsonObject(body) &&
    Array.isArray(body.changes) &&
    body.changes.every(
      (change) =>
        isJsonObject(change) &&
        (typeof change.id === 'string' || typeof change.id === 'number') &&
        (change.record === null || isJsonObject(change.record)),
    ) &&
    (body.cursor === null || typeof body.cursor === 'string') &&
    typeof body.hasMore === 'boolean'
  )
}
