import { SyncSetupError } from '../core/errors'
import { lastWriteWinsField } from './resolvers'
import { threeWayMerge } from './threeWayMerge'
import { timeOf, updatedAtFieldOf } from './lastWriteWins'
import type { ConflictResolver, FieldMerger } from './types'

type Rec = Record<string, unknown>

/** What settles a field both sides changed when no field merger does, or the whole record when a side deleted it. */
export type MergeFallback = 'manual' | 'server-wins' | 'client-wins' | 'last-write-wins'

const fallbacks: readonly MergeFallback[] = ['manual', 'server-wins', 'client-wins', 'last-write-wins']

/** Options of {@link mergeFields}. */
export interface MergeFieldsOptions<TRecord = Rec> {
  /** How to merge particular top-level fields changed on both sides (counters, sets, …), to the same value or not. */
  fields?: { [K in Extract<keyof TRecord, string>]?: FieldMerger }
  /**
   * What decides a field changed on both sides to different values that no field merger settles, and
   * the whole record when one side deleted it. `'manual'` parks the conflict for a person.
   * @default 'manual'
   */
  fallback?: MergeFallback
  /** For a last-write-wins fallback: the remote record's updated-at field. @default 'updatedAt' */
  updatedAtField?: string
}

/**
 * Three-way merge, field by field, against the confirmed state the local change was made on: a field
 * changed on one side only takes that side's value, objects changed on both sides merge key by key,
 * and a field changed on both sides to different values goes to its field merger (`fields`), then to
 * `fallback`. A field neither settles parks the conflict for a person, naming the fields left open.
 * The merged record goes to the server on top of the remote version.
 *
 * @example
 * ```ts
 * import { createSyncedEntity, mergeFields, sumCounters, mergeAsSet } from 'rtk-offline'
 *
 * const items = createSyncedEntity<Item>({
 *   name: 'items',
 *   conflict: mergeFields({ fields: { quantity: sumCounters(), tags: mergeAsSet() }, fallback: 'server-wins' }),
 * })
 * ```
 */
export function mergeFields<TRecord = Rec>(options: MergeFieldsOptions<TRecord> = {}): ConflictResolver<TRecord> {
  const fallback = options.fallback ?? 'manual'
  if (!fallbacks.includes(fallback))
    throw new SyncSetupError(`mergeFields's \`fallback\` must be one of ${fallbacks.map((name) => `'${name}'`).join(', ')}, not ${JSON.stringify(fallback)}.`)
  const updatedAtField = updatedAtFieldOf('mergeFields', options.updatedAtField)
  const fields = options.fields as Record<string, FieldMerger> | undefined
  // Fields both sides changed that no field merger settles go to the fallback; manual leaves them open.
  const settle: Record<Exclude<MergeFallback, 'manual'>, FieldMerger> = {
    'client-wins': ({ local: value }) => ({ value }),
    'server-wins': ({ remote: value }) => ({ value }),
    'last-write-wins': lastWriteWinsField(),
  }
  return (context) => {
    const { base, op, versionField } = context
    const local = context.local as Rec | null
    const remote = context.remote as Rec | null
    // A deletion on either side has no fields to merge: the fallback decides the whole record.
    if (local === null || remote === null) {
      if (fallback === 'manual') return 'manual'
      if (fallback === 'client-wins') return { choose: 'local' }
      if (fallback === 'server-wins') return { choose: 'remote' }
      // The server's deletion has no updated-at: it stands.
      const remoteTime = remote === null ? null : timeOf(remote[updatedAtField])
      return { choose: remoteTime !== null && op.enqueuedAt > remoteTime ? 'local' : 'remote' }
    }
    const result = threeWayMerge(base as Rec | null, local, remote, {
      fields,
      ...(fallback === 'manual' ? {} : { fallback: settle[fallback] }),
      localTime: op.enqueuedAt,
      remoteTime: timeOf(remote[updatedAtField]),
    })
    if (result.conflicts.length > 0) return { manual: true, fields: result.conflicts }
    // A copy: the merge may share nested objects with the (frozen) records it was given.
    const merged = structuredClone(result.merged)
    // The version is the server's to set: the merge goes on top of the remote version.
    if (versionField in remote) merged[versionField] = remote[versionField]
    return { merged: merged as unknown as TRecord, fields: [] }
  }
}
