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
  /**
   * The entity's version field (`versionField` of createSyncedEntity). The server sets it: a merged
   * record should carry the remote record's value.
   */
  versionField: string
}

/**
 * A decision: keep one side, a merged record (null deletes the record), or park the conflict for a
 * person. `fields` names the fields the conflict is about, for the conflict list; without it, the
 * top-level fields where `local` and `remote` differ.
 */
export type ConflictResolution<TRecord = Rec> =
  | { choose: 'local' | 'remote'; fields?: string[] }
  | { merged: TRecord | null; fields?: string[] }
  | { manual: true; fields?: string[] }

/**
 * A strategy as a function: decides a conflict, or returns 'manual' (short for `{ manual: true }`) to
 * park it for a person. Custom ones, and the opt-in strategies ({@link lastWriteWins},
 * {@link mergeFields}, {@link deepMerge}), are resolvers.
 */
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

/**
 * The built-in strategies named by a string: the server's record stands (`'server-wins'`, the
 * default), the local change goes again on top of it (`'client-wins'`), or the conflict waits for a
 * person (`'manual'`). The others are opt-in imports, so an app bundles only what it uses:
 * {@link lastWriteWins}, {@link mergeFields}, {@link deepMerge}.
 */
export type ConflictStrategyName = 'server-wins' | 'client-wins' | 'manual'

/** How an entity's conflicts are settled: a built-in by name, or a resolver. */
export type ConflictStrategy<TRecord = Rec> = ConflictStrategyName | ConflictResolver<TRecord>
