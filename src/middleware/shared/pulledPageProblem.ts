import type { PullPage } from '../../adapters/types'
import type { EntityInternals } from '../../slices/createSyncedEntity'

/**
 * Durability invariant 5 (nothing trusted): what is wrong with a pulled page, or null when nothing is.
 * Every change must name a record id and hold null or that very record (read with the entity's
 * selectId), so a page can never put a record under another id or a record without one into the view.
 */
export function pulledPageProblem(entity: EntityInternals, value: unknown): string | null {
  const page = value as PullPage | null
  if (typeof page !== 'object' || page === null || !Array.isArray(page.changes) || typeof page.hasMore !== 'boolean')
    return 'it must resolve to { changes, cursor, hasMore }'
  if (page.cursor !== null && typeof page.cursor !== 'string') return `its cursor must be a string or null, got ${typeof page.cursor}`
  for (const change of page.changes as unknown[]) {
    const { id, record } = (change ?? {}) as { id?: unknown; record?: unknown }
    if (typeof id !== 'string' && typeof id !== 'number') return 'every change needs an id (a string or a number)'
    if (record === null) continue
    if (typeof record !== 'object' || record === undefined || Array.isArray(record))
      return `the change of ${JSON.stringify(id)} must hold its record or null`
    let recordId: unknown
    try {
      recordId = entity.selectId(record as Record<string, unknown>)
    } catch {
      recordId = undefined
    }
    if ((typeof recordId !== 'string' && typeof recordId !== 'number') || String(recordId) !== String(id))
      return `the change of ${JSON.stringify(id)} holds another record (or one without its id)`
  }
  return null
}
