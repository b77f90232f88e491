/**
 * Ready-made conflict resolvers for what apps ask for most: field mergers for mergeFields'
 * `fields` (sets, counters, maximum, last write wins) and one whole-record resolver (deep merge).
 */
import { SyncSetupError } from '../core/errors'
import { jsonEqual } from '../core/mergePatch'
import { threeWayMerge } from './threeWayMerge'
import type { ConflictResolver, FieldMerger } from './types'

type Rec = Record<string, unknown>

/** Array.isArray narrows to any[]; this keeps the elements unknown. */
const isArray: (value: unknown) => value is readonly unknown[] = Array.isArray

const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value)

/** A field absent in base (or null there) was added by both sides: it starts empty, or at zero. */
const isEmptyBase = (value: unknown): boolean => value === undefined || value === null

const contains = (items: readonly unknown[], item: unknown): boolean => items.some((candidate) => jsonEqual(candidate, item))

/** The items once each, the first occurrence kept. */
function distinct(items: readonly unknown[]): unknown[] {
  const out: unknown[] = []
  for (const item of items) if (!contains(out, item)) out.push(item)
  return out
}

/**
 * Merges an array field as a set: an item stays unless either side removed it, and an item added on
 * either side is added. Items are compared by deep equality and appear once, in the remote order, then
 * the local additions. A field absent (or null) in base counts as an empty set; if the local or remote
 * value is not an array, it does not decide.
 *
 * @example
 * ```ts
 * const notes = createSyncedEntity<Note>({
 *   name: 'notes',
 *   conflict: mergeFields({ fields: { tags: mergeAsSet() } }),
 * })
 * // base ['a', 'b'], local ['a', 'b', 'c'], remote ['b'] → ['b', 'c']
 * ```
 */
export function mergeAsSet(): FieldMerger {
  return ({ base, local, remote }) => {
    const baseItems = isEmptyBase(base) ? [] : base
    if (!isArray(baseItems) || !isArray(local) || !isArray(remote)) return undefined
    // Remote's items that local did not remove: the items remote added, and those both kept.
    const kept = remote.filter((item) => !contains(baseItems, item) || contains(local, item))
    const addedLocally = local.filter((item) => !contains(baseItems, item))
    return { value: distinct([...kept, ...addedLocally]) }
  }
}

/**
 * Merges a numeric counter by adding up both sides' deltas: `base + (local − base) + (remote − base)`.
 * Two clients that each sold items from a stock of 10, one 2 and one 3, end at 5, where any side
 * winning would end at 7 or 8; two that each sold 2 end at 6. A field absent (or null) in base counts
 * as 0; if a side is not a finite number, it does not decide.
 *
 * @example
 * ```ts
 * const items = createSyncedEntity<Item>({
 *   name: 'items',
 *   conflict: mergeFields({ fields: { quantity: sumCounters(), tags: mergeAsSet() } }),
 * })
 * // base 10, local 8, remote 7 → 5
 * ```
 */
export function sumCounters(): FieldMerger {
  return ({ base, local, remote }) => {
    const start = isEmptyBase(base) ? 0 : base
    if (!isFiniteNumber(start) || !isFiniteNumber(local) || !isFiniteNumber(remote)) return undefined
    return { value: start + (local - start) + (remote - start) }
  }
}

/** ECMAScript's date time string format (ISO 8601): a date, optionally a time, optionally an offset. */
const isoDateTime = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?$/

/** Epoch ms of an ISO 8601 string, or NaN for anything else (Date.parse alone accepts far more). */
function isoTime(value: unknown): number {
  return typeof value === 'string' && isoDateTime.test(value) ? Date.parse(value) : Number.NaN
}

/** The larger of two finite numbers or of two ISO 8601 times; a tie (one instant written two ways) keeps remote. */
function larger(local: unknown, remote: unknown): { value: unknown } | undefined {
  if (isFiniteNumber(local) && isFiniteNumber(remote)) return { value: local > remote ? local : remote }
  const localTime = isoTime(local)
  const remoteTime = isoTime(remote)
  if (Number.isNaN(localTime) || Number.isNaN(remoteTime)) return undefined
  return { value: localTime > remoteTime ? local : remote }
}

/**
 * Keeps the larger value: of two numbers, or the later of two ISO 8601 date or date-time strings
 * (compared as instants, so `'2024-05-01T12:00:00+02:00'` is earlier than `'2024-05-01T11:00:00Z'`;
 * the string itself is kept as written). Anything else, or a mix, does not decide. For high-water
 * marks: a best score, a last-seen time, a version reached.
 *
 * @example
 * ```ts
 * const players = createSyncedEntity<Player>({
 *   name: 'players',
 *   conflict: mergeFields({ fields: { bestScore: maxValue(), lastSeenAt: maxValue() } }),
 * })
 * ```
 */
export function maxValue(): FieldMerger {
  return ({ local, remote }) => larger(local, remote)
}

/**
 * Last write wins for one field: the local value when the local change is newer than the remote
 * record's updated-at (or the remote record has none), else the remote value. A side that removed the
 * field wins with the removal.
 *
 * @example
 * ```ts
 * const contacts = createSyncedEntity<Contact>({
 *   name: 'contacts',
 *   conflict: mergeFields({ fields: { phone: lastWriteWinsField() }, updatedAtField: 'updatedAt' }),
 * })
 * ```
 */
export function lastWriteWinsField(): FieldMerger {
  return ({ local, remote, localTime, remoteTime }) => ({ value: remoteTime === null || localTime > remoteTime ? local : remote })
}

/** Options of {@link deepMerge}. */
export interface DeepMergeOptions {
  /**
   * The side that settles a field changed on both sides to different values, and that wins when one
   * side deleted the record.
   * @default 'local'
   */
  prefer?: 'local' | 'remote'
}

/** Records are JSON objects at run time whatever `TRecord` says; the merge reads them as such. */
const asRecord = <TRecord>(record: TRecord): Rec => record as unknown as Rec

/**
 * A whole-record resolver that never asks a person: merges three-way, field by field (nested objects
 * recursively), and settles every field changed on both sides to different values with the preferred
 * side. When a side deleted the record, the preferred side wins: with `prefer: 'local'` a local delete
 * deletes and a remote delete is undone by the local record; with `'remote'` the server's state stands.
 *
 * @example
 * ```ts
 * const profiles = createSyncedEntity<Profile>({ name: 'profiles', conflict: deepMerge({ prefer: 'remote' }) })
 * ```
 */
export function deepMerge<TRecord = Rec>(options: DeepMergeOptions = {}): ConflictResolver<TRecord> {
  const prefer = options.prefer ?? 'local'
  if (prefer !== 'local' && prefer !== 'remote') {
    throw new SyncSetupError(`deepMerge's \`prefer\` must be 'local' or 'remote', not ${JSON.stringify(prefer)}.`)
  }
  const fallback: FieldMerger = prefer === 'local' ? ({ local }) => ({ value: local }) : ({ remote }) => ({ value: remote })
  return ({ base, local, remote, op }) => {
    if (local === null || remote === null) return { choose: prefer }
    const baseRecord = base === null ? null : asRecord(base)
    const { merged } = threeWayMerge(baseRecord, asRecord(local), asRecord(remote), { fallback, localTime: op.enqueuedAt, remoteTime: null })
    return { merged: merged as unknown as TRecord }
  }
}
