import { isJsonObject, jsonEqual } from '../core/mergePatch'
import type { FieldMerger, FieldSides } from './types'

type Rec = Record<string, unknown>

/** Options of {@link threeWayMerge}. */
export interface ThreeWayMergeOptions {
  /**
   * Field mergers by top-level field name, tried for a top-level field changed on both sides (to
   * different values, or to the same scalar: two equal changes to a counter are two). For a field holding an object on both sides, the objects are merged key by key
   * first; the field's merger is asked only when that leaves conflicts inside, and then decides the
   * whole field.
   */
  fields?: Record<string, FieldMerger>
  /**
   * Settles any field, at any depth, changed on both sides to different values that no field merger
   * settled, e.g. `({ local }) => ({ value: local })` for client-wins or `lastWriteWinsField()`.
   * Without it (or when it returns undefined) the field is a conflict.
   */
  fallback?: FieldMerger
  /** When the local change was made (the operation's time, epoch ms), passed to field mergers. */
  localTime: number
  /** The remote record's updated-at (epoch ms), or null when it has none, passed to field mergers. */
  remoteTime: number | null
}

/** What {@link threeWayMerge} returns. */
export interface ThreeWayMergeResult {
  /**
   * The merged record: every field changed on one side only taken from that side, fields settled by a
   * merger, and for unsettled fields the remote value (so the caller can apply a fallback). A new
   * object, but it may share nested objects and arrays with the inputs: copy it before changing it.
   */
  merged: Record<string, unknown>
  /**
   * Paths (dot-joined, e.g. `'address.city'`) of fields changed on both sides to different values
   * that no merger settled, depth first in the order remote, local, base list their keys. Empty when
   * the merge is clean.
   */
  conflicts: string[]
}

/** How one field came out: its value (undefined: absent) and the conflicts left inside it. */
interface FieldOutcome {
  value: unknown
  conflicts: string[]
}

/** What stays the same through one merge, at every depth. */
interface MergeSettings {
  fallback: FieldMerger | undefined
  localTime: number
  remoteTime: number | null
}

/** A field's value, or undefined when absent; own properties only, so `__proto__` is data, not the prototype. */
function readField(record: Rec, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined
}

/** Sets a field as an own property: assigning `__proto__` would set the prototype instead. */
function writeField(record: Rec, key: string, value: unknown): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true })
}

/** Every key of the three records once, remote's first so the merged record reads like the server's. */
function unionKeys(remote: Rec, local: Rec, base: Rec): Set<string> {
  return new Set([...Object.keys(remote), ...Object.keys(local), ...Object.keys(base)])
}

const settled = (value: unknown): FieldOutcome => ({ value, conflicts: [] })

/** Merges three records key by key; `mergers` are for top-level fields only, so nested calls pass none. */
function mergeRecords(
  base: Rec,
  local: Rec,
  remote: Rec,
  path: string | null,
  mergers: Record<string, FieldMerger> | undefined,
  settings: MergeSettings,
): ThreeWayMergeResult {
  const merged: Rec = {}
  const conflicts: string[] = []
  for (const key of unionKeys(remote, local, base)) {
    const sides = { base: readField(base, key), local: readField(local, key), remote: readField(remote, key) }
    const fieldPath = path === null ? key : `${path}.${key}`
    const merger = mergers !== undefined && Object.hasOwn(mergers, key) ? mergers[key] : undefined
    const outcome = mergeField(sides, fieldPath, merger, settings)
    if (outcome.value !== undefined) writeField(merged, key, outcome.value)
    conflicts.push(...outcome.conflicts)
  }
  return { merged, conflicts }
}

/**
 * One field: a side that left it as it was in base yields to the other. Equal changes on both sides
 * agree, unless the field has its own merger: then the merger decides, because two equal changes are
 * not always one (two devices that each added 1 to a counter both hold base + 1; sumCounters makes it
 * base + 2, where taking either side would lose one increment).
 */
function mergeField(
  sides: Pick<FieldSides, 'base' | 'local' | 'remote'>,
  path: string,
  merger: FieldMerger | undefined,
  settings: MergeSettings,
): FieldOutcome {
  const { base, local, remote } = sides
  if (jsonEqual(local, base)) return settled(remote)
  if (jsonEqual(remote, base)) return settled(local)
  if (jsonEqual(local, remote) && (merger === undefined || isJsonObject(local))) return settled(local)
  return mergeBothChanged({ ...sides, localTime: settings.localTime, remoteTime: settings.remoteTime }, path, merger, settings)
}

/** A field changed on both sides to different values: recurse into objects, else ask the mergers. */
function mergeBothChanged(sides: FieldSides, path: string, merger: FieldMerger | undefined, settings: MergeSettings): FieldOutcome {
  const { base, local, remote } = sides
  // A base that was a scalar or an array gives nothing to merge objects against: both sides replaced it.
  if (isJsonObject(local) && isJsonObject(remote) && (base === undefined || isJsonObject(base))) {
    return mergeObjects(sides, base ?? {}, local, remote, path, merger, settings)
  }
  const decision = merger?.(sides) ?? settings.fallback?.(sides)
  return decision === undefined ? { value: remote, conflicts: [path] } : settled(decision.value)
}

/**
 * Two objects changed on both sides. Changes to different keys inside merge cleanly, and then the
 * field's merger is not needed; only when keys inside conflict does the merger decide the whole field,
 * before the fallback settles them one by one — so a merger given for an object field is not ignored.
 */
function mergeObjects(
  sides: FieldSides,
  base: Rec,
  local: Rec,
  remote: Rec,
  path: string,
  merger: FieldMerger | undefined,
  settings: MergeSettings,
): FieldOutcome {
  if (merger !== undefined) {
    const attempt = mergeRecords(base, local, remote, path, undefined, { ...settings, fallback: undefined })
    if (attempt.conflicts.length === 0) return { value: attempt.merged, conflicts: [] }
    const decision = merger(sides)
    if (decision !== undefined) return settled(decision.value)
  }
  const result = mergeRecords(base, local, remote, path, undefined, settings)
  return { value: result.merged, conflicts: result.conflicts }
}

/**
 * Three-way merge of a record, field by field, against `base`, the confirmed state the local change
 * was made on. A field changed on one side only takes that side's value (a removal included); both
 * sides setting the same value is no conflict; objects changed on both sides merge recursively; arrays
 * and other values are compared whole. A field changed on both sides to different values goes to its
 * field merger, then to `fallback`; if neither settles it, it is listed in `conflicts` and `merged`
 * keeps the remote value. Values are compared by deep (JSON) equality; the inputs are not modified.
 *
 * @param base The confirmed record the local change was made on, or null when the server had no such
 *   record (then every field present on a side counts as added by that side).
 * @example
 * ```ts
 * const base = { title: 'Milk', qty: 1, address: { city: 'Oslo', zip: '0150' } }
 * const local = { title: 'Oat milk', qty: 1, address: { city: 'Bergen', zip: '0150' } }
 * const remote = { title: 'Milk', qty: 3, address: { city: 'Oslo', zip: '5003' } }
 * threeWayMerge(base, local, remote, { localTime: Date.now(), remoteTime: null })
 * // { merged: { title: 'Oat milk', qty: 3, address: { city: 'Bergen', zip: '5003' } }, conflicts: [] }
 * ```
 */
export function threeWayMerge(
  base: Record<string, unknown> | null,
  local: Record<string, unknown>,
  remote: Record<string, unknown>,
  options: ThreeWayMergeOptions,
): ThreeWayMergeResult {
  const settings: MergeSettings = { fallback: options.fallback, localTime: options.localTime, remoteTime: options.remoteTime }
  return mergeRecords(base ?? {}, local, remote, null, options.fields, settings)
}
