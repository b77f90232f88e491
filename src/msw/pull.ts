import type { DataStore } from './dataStore'
import { errorReply, type Reply } from './reply'
import type { MockAnsweredWrite, MockChange, MockPullChange, MockPullPage, MockRecord } from './types'

/** A pull request's query: `since` and `limit`; every other parameter is an equality filter. */
export interface PullQuery {
  /** The sequence number the client has seen up to, or null for a first pull. */
  since: number | null
  limit: number
  /** Field → the values it may have (`?listId=7&listId=8` keeps either). */
  filters: ReadonlyMap<string, readonly string[]>
  /** Idempotency keys the client asks about (confirmation by pull, `?unanswered=<key>` repeated). */
  unanswered: readonly string[]
}

const DIGITS = /^\d+$/
/** Query parameters that are not filters. */
const RESERVED = new Set(['since', 'limit', 'unanswered'])

/** Reads `?since=&limit=&<field>=…`, or says in a 400 (410 for a cursor from the future) what is wrong. */
export function parsePullQuery(params: URLSearchParams, pageSize: number, head: number): { query: PullQuery } | { error: Reply } {
  const sinceText = params.get('since')
  let since: number | null = null
  if (sinceText !== null && sinceText !== '') {
    if (!DIGITS.test(sinceText)) return { error: errorReply(400, `"since" must be a cursor from an earlier pull, got "${sinceText}".`) }
    since = Number(sinceText)
    if (since > head)
      return {
        error: errorReply(410, `The cursor "${sinceText}" is ahead of this backend, whose newest change is ${head}: its data was reset or lost. Pull again without "since".`),
      }
  }
  const limitText = params.get('limit')
  let limit = pageSize
  if (limitText !== null) {
    if (!DIGITS.test(limitText) || Number(limitText) < 1) return { error: errorReply(400, `"limit" must be an integer ≥ 1, got "${limitText}".`) }
    limit = Math.min(Number(limitText), pageSize)
  }
  const filters = new Map<string, string[]>()
  for (const field of new Set(params.keys())) if (!RESERVED.has(field)) filters.set(field, params.getAll(field))
  return { query: { since, limit, filters, unanswered: params.getAll('unanswered') } }
}

/**
 * One page of what changed in `entity` after `since`: each changed record once, in the order of its
 * latest change, as it is now. A record deleted, or no longer matching the filters, comes as
 * `record: null`, but only to a client that may hold it: one whose cursor is past a state of the record
 * that matched. A first pull therefore has no tombstones.
 *
 * The cursor of a page with more to follow is the sequence number of its last entry, so asking again
 * with it (after a crash, say) gives the next page; the last page's cursor is the newest change of the
 * whole backend, so the next pull starts after everything seen.
 */
export function buildPullPage(store: DataStore, entity: string, { since, limit, filters, unanswered }: PullQuery): MockPullPage {
  const page = changesPage(store, entity, since, limit, filters)
  return unanswered.length > 0 ? { ...page, answered: storedAnswers(store, entity, unanswered) } : page
}

/**
 * Confirmation by pull: the remembered answers to the writes of `entity` among `keys`, as they were
 * answered (status and body), for a client whose answer was lost. The backend remembers successes only
 * (see createMockBackend), so a write it refused, or never received, is left out, and the client sends it again.
 */
function storedAnswers(store: DataStore, entity: string, keys: readonly string[]): MockAnsweredWrite[] {
  const answered: MockAnsweredWrite[] = []
  for (const key of new Set(keys)) {
    const remembered = store.remembered(key)
    // A key of another collection is another client's business (or a guess): not answered here.
    if (!remembered || (remembered.path !== `/${entity}` && !remembered.path.startsWith(`/${entity}/`))) continue
    answered.push(remembered.body === undefined ? { id: key, status: remembered.status } : { id: key, status: remembered.status, body: remembered.body })
  }
  return answered
}

function changesPage(
  store: DataStore,
  entity: string,
  since: number | null,
  limit: number,
  filters: ReadonlyMap<string, readonly string[]>,
): MockPullPage {
  const matches = (record: MockRecord): boolean =>
    [...filters].every(([field, values]) => Object.hasOwn(record, field) && values.includes(String(record[field])))

  const entryFor = ({ id, record }: MockChange): MockPullChange | undefined => {
    if (record !== null && matches(record)) return { id, record }
    if (since === null) return undefined
    const mayBeHeld = store.history(entity, id).some((past) => past.sequence <= since && past.record !== null && matches(past.record))
    return mayBeHeld ? { id, record: null } : undefined
  }

  const changes = store.changesAfter(entity, since ?? 0)
  const latest = new Map<string, number>()
  for (const change of changes) latest.set(String(change.id), change.sequence)

  const page: MockPullChange[] = []
  let lastIncluded = since ?? 0
  for (const change of changes) {
    if (latest.get(String(change.id)) !== change.sequence) continue
    const entry = entryFor(change)
    if (!entry) continue
    if (page.length === limit) return { changes: page, cursor: String(lastIncluded), hasMore: true }
    page.push(entry)
    lastIncluded = change.sequence
  }
  return { changes: page, cursor: String(store.sequence), hasMore: false }
}
