import type { DataStore } from './dataStore'
import { entityTag, matchesIfMatch } from './ifMatch'
import { isJsonObject } from './mergePatch'
import { buildPullPage, parsePullQuery } from './pull'
import type { RecordWriter } from './recordWriter'
import { errorReply, type Reply } from './reply'
import type { MockRecord, MockRecordId } from './types'

/** A request as the routes need it: URL parts decoded, body parsed. */
export interface Incoming {
  entity: string
  /** The record id from the URL; empty for collection routes. */
  id: string
  body: unknown
  ifMatch: string | null
  query: URLSearchParams
}

export type Route = (incoming: Incoming) => Reply

/** What the REST adapter's conventions mean for each route, as plain functions of the store. */
export interface Routes {
  pull: Route
  create: Route
  read: Route
  update: Route
  remove: Route
}

export interface RoutesConfig {
  store: DataStore
  writer: RecordWriter
  pageSize: number
  /** The id the backend gives a record created under `POST`, or undefined to keep the client's (see MockBackendOptions.assignIds). */
  assignId?: ((entity: string, record: MockRecord) => MockRecordId | undefined) | undefined
}

export function buildRoutes({ store, writer, pageSize, assignId }: RoutesConfig): Routes {
  const recordReply = (status: number, record: MockRecord): Reply => ({
    status,
    body: record,
    headers: { ETag: entityTag(writer.versionOf(record)) },
  })
  const notFound = (entity: string, id: string): Reply => errorReply(404, `No ${entity} record has the id "${id}".`)

  return {
    pull({ entity, query }) {
      const parsed = parsePullQuery(query, pageSize, store.sequence)
      if ('error' in parsed) return parsed.error
      return { status: 200, body: buildPullPage(store, entity, parsed.query) }
    },

    create({ entity, body }) {
      if (!isJsonObject(body)) return errorReply(400, 'The body must be the new record as a JSON object.')
      // Server-assigned ids: the record gets the backend's id; the client's (temporary) one is not kept.
      const assigned = assignId?.(entity, body as MockRecord)
      if (assigned !== undefined) return recordReply(201, writer.create(entity, { ...body, id: assigned }))
      const { id } = body
      if ((typeof id !== 'string' || id === '') && typeof id !== 'number')
        return errorReply(400, 'The record needs an "id" (a non-empty string or a number): ids are made by the client.')
      const current = store.get(entity, id)
      if (current) return recordReply(409, current)
      return recordReply(201, writer.create(entity, { ...body, id }))
    },

    read({ entity, id }) {
      const current = store.get(entity, id)
      return current ? recordReply(200, current) : notFound(entity, id)
    },

    update({ entity, id, body, ifMatch }) {
      if (!isJsonObject(body)) return errorReply(400, 'The body must be a JSON merge patch: an object of the changed fields.')
      const current = store.get(entity, id)
      if (!current) return notFound(entity, id)
      if (!matchesIfMatch(ifMatch, writer.versionOf(current))) return recordReply(412, current)
      return recordReply(200, writer.patch(entity, current, body))
    },

    remove({ entity, id, ifMatch }) {
      const current = store.get(entity, id)
      if (!current) return notFound(entity, id)
      if (!matchesIfMatch(ifMatch, writer.versionOf(current))) return recordReply(412, current)
      writer.remove(entity, current)
      return { status: 204 }
    },
  }
}
