import type { MockBackendSnapshot, MockChange, MockRecord, MockRecordId, MockRememberedAnswer } from './types'

/**
 * What the backend holds: the live records, the change log and the remembered answers. Records are
 * never changed in place (a write stores a new object), so they can be shared with the log, the
 * answers and snapshots; whatever leaves the backend through its controls is a copy.
 */
export interface DataStore {
  /** The sequence number of the newest change, 0 before the first. */
  readonly sequence: number
  /** Moves on with every change to the data, so the backend knows when to save. */
  readonly revision: number
  /** The live records of `entity`, in the order they were created. */
  live(entity: string): MockRecord[]
  get(entity: string, id: MockRecordId): MockRecord | undefined
  /** Every change of one record, oldest first, including those before a delete. */
  history(entity: string, id: MockRecordId): readonly MockChange[]
  /** The changes of `entity` with a sequence number above `since`, oldest first. */
  changesAfter(entity: string, since: number): MockChange[]
  /** Stores a record's new state (`null` deletes it) and logs the change. */
  write(entity: string, id: MockRecordId, record: MockRecord | null): MockChange
  remembered(idempotencyKey: string): MockRememberedAnswer | undefined
  remember(idempotencyKey: string, answer: MockRememberedAnswer): void
  /** Replaces everything with `snapshot`, or empties the store. */
  replace(snapshot: MockBackendSnapshot | null): void
  /** The state as a snapshot; it shares record objects with the store, so copy it before it leaves. */
  toSnapshot(): MockBackendSnapshot
}

interface Table {
  live: Map<string, MockRecord>
  changes: MockChange[]
  history: Map<string, MockChange[]>
}

const keyOf = (id: MockRecordId): string => String(id)

export function createDataStore(): DataStore {
  let tables = new Map<string, Table>()
  let log: MockChange[] = []
  let answers = new Map<string, MockRememberedAnswer>()
  let sequence = 0
  let revision = 0

  const table = (entity: string): Table => {
    let found = tables.get(entity)
    if (!found) tables.set(entity, (found = { live: new Map(), changes: [], history: new Map() }))
    return found
  }

  function append(change: MockChange): void {
    const { changes, history } = table(change.entity)
    const key = keyOf(change.id)
    log.push(change)
    changes.push(change)
    const past = history.get(key)
    if (past) past.push(change)
    else history.set(key, [change])
  }

  return {
    get sequence() {
      return sequence
    },
    get revision() {
      return revision
    },
    live: (entity) => [...(tables.get(entity)?.live.values() ?? [])],
    get: (entity, id) => tables.get(entity)?.live.get(keyOf(id)),
    history: (entity, id) => tables.get(entity)?.history.get(keyOf(id)) ?? [],
    changesAfter(entity, since) {
      const changes = tables.get(entity)?.changes ?? []
      // Pulls mostly ask for the newest few changes, so look from the end.
      let start = changes.length
      while (start > 0 && changes[start - 1]!.sequence > since) start -= 1
      return changes.slice(start)
    },
    write(entity, id, record) {
      const { live } = table(entity)
      const key = keyOf(id)
      // An update keeps the record's place; one created again after a delete goes to the end.
      if (record === null) live.delete(key)
      else live.set(key, record)
      const change: MockChange = { sequence: ++sequence, entity, id, record }
      append(change)
      revision += 1
      return change
    },
    remembered: (idempotencyKey) => answers.get(idempotencyKey),
    remember(idempotencyKey, answer) {
      answers.set(idempotencyKey, answer)
      revision += 1
    },
    replace(snapshot) {
      tables = new Map()
      log = []
      answers = new Map(Object.entries(snapshot?.idempotency ?? {}))
      sequence = snapshot?.sequence ?? 0
      for (const change of snapshot?.changes ?? []) append(change)
      for (const [entity, records] of Object.entries(snapshot?.records ?? {})) {
        const { live } = table(entity)
        for (const record of records) live.set(keyOf(record.id), record)
      }
      revision += 1
    },
    toSnapshot: () => ({
      format: 1,
      sequence,
      records: Object.fromEntries([...tables].filter(([, { live }]) => live.size > 0).map(([entity, { live }]) => [entity, [...live.values()]])),
      changes: [...log],
      idempotency: Object.fromEntries(answers),
    }),
  }
}
