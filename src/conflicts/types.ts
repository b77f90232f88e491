import type { Operation } from '../types'

type Rec = Record<string, unknown>

/** Both sides of a conflict and what they came from. */
export interface ConflictContext<TRecord = Rec> {
  /** The confirmed state the local change was made on, or null when the server had no such record. */
  base: TRecord | null
  /** What the client wants: `base` with the local operation applied; null when it deletes the record. */
  local: TRecord | null
  /** What the server holds now; null when the record is gone on the server. */
  remote: TRecord | null
  /** The local operation the server refused. */
  op: Operation
}

/** A decision: keep one side, or a merged record (null deletes the record). */
export type ConflictResolution<TRecord = Rec> = { choose: 'local' | 'remote' } | { merged: TRecord | null }

/** A custom strategy: decides a conflict, or returns 'manual' to park it for a person. */
export type ConflictResolver<TRecord = Rec> = (context: ConflictContext<TRecord>) => ConflictResolution<TRecord> | 'manual'

/** The three values of one field in a three-way merge (undefined: the field is absent on that side). */
export interface FieldSides {
  base: unknown
  local: unknown
  remote: unknown
  /** When the local change was made (epoch ms). */
  localTime: number
  /** The remote record's updated-at time, when it has one (epoch ms), else null. */
  remoteTime: number | null
}

/**
 * Merges one field changed on both sides to different values: `{ value }` (undefined removes the
 * field), or undefined when it cannot decide, which falls back to the merge's `fallback`.
 */
export type FieldMerger = (sides: FieldSides) => { value: unknown } | undefined

/** The named strategies. */
export type ConflictStrategyName = 'server-wins' | 'client-wins' | 'last-write-wins' | 'merge' | 'manual'

/** Three-way merge, field by field, against the state the change was made on. */
export interface MergeStrategy<TRecord = Rec> {
  strategy: 'merge'
  /** How to merge particular top-level fields changed on both sides (counters, sets, …). */
  fields?: { [K in keyof TRecord]?: FieldMerger }
  /**
   * What decides a field changed on both sides to different values that no field merger settles.
   * @default 'manual'
   */
  fallback?: 'manual' | 'server-wins' | 'client-wins' | 'last-write-wins'
  /** For a last-write-wins fallback: the remote record's updated-at field. @default 'updatedAt' */
  updatedAtField?: string
}

/** The last write wins, by the operation's time against the remote record's updated-at field. */
export interface LastWriteWinsStrategy {
  strategy: 'last-write-wins'
  /** @default 'updatedAt' */
  updatedAtField?: string
}

/** How an entity's conflicts are settled. */
export type ConflictStrategy<TRecord = Rec> =
  | ConflictStrategyName
  | ConflictResolver<TRecord>
  | MergeStrategy<TRecord>
  | LastWriteWinsStrategy
