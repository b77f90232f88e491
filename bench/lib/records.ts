/** The records every workload uses, the same for every contestant. */

export interface BenchRecord {
  [field: string]: unknown
  id: string
  title: string
  done: boolean
  n: number
  version: number
}

/** `count` records as the server holds them after creating each once (version 1). */
export function makeRecords(prefix: string, count: number): BenchRecord[] {
  return Array.from({ length: count }, (_, index) => ({
    id: `${prefix}${index}`,
    title: `${prefix} record ${index}`,
    done: false,
    n: -1,
    version: 1,
  }))
}

/** The `index`-th change of a workload: record `index % recordCount`, a new title and counter. */
export function updateAt(prefix: string, recordCount: number, index: number): { id: string; changes: { title: string; n: number } } {
  return { id: `${prefix}${index % recordCount}`, changes: { title: `${prefix} change ${index}`, n: index } }
}

/**
 * An entity-adapter state holding `records`, deep-frozen as reducers under immer leave their state.
 * Used as preloaded state by every contestant alike (the records as if rehydrated or fetched before).
 */
export function entityState(records: readonly BenchRecord[]): { ids: string[]; entities: Record<string, BenchRecord> } {
  const entities: Record<string, BenchRecord> = {}
  for (const record of records) entities[record.id] = Object.freeze({ ...record })
  return Object.freeze({ ids: Object.freeze(records.map((record) => record.id)) as string[], entities: Object.freeze(entities) })
}

/** What the records hold after `count` changes from {@link updateAt}: the sum of the last `n` of each record. */
export function expectedDigest(recordCount: number, count: number): number {
  let sum = 0
  for (let record = 0; record < recordCount; record++) {
    // The last index below `count` that falls on this record, or -1 (the initial n) when none does.
    sum += record < count ? record + Math.floor((count - 1 - record) / recordCount) * recordCount : -1
  }
  return sum
}
