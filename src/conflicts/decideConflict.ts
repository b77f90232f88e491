import type { Change } from '../core/change'
import { createMergePatch, jsonEqual } from '../core/mergePatch'
import { threeWayMerge } from './threeWayMerge'
import { lastWriteWinsField } from './resolvers'
import type { ConflictContext, ConflictStrategy, FieldMerger } from './types'

type Rec = Record<string, unknown>

/** How a conflict was settled, as recorded in the conflict list. */
export type ConflictResolutionKind = 'server-wins' | 'client-wins' | 'merged' | 'manual'

/** What the engine does with a conflicting operation. */
export type ConflictDecision =
  /** The server's record stands; the operation is dropped. */
  | { resolution: 'server-wins'; fields: string[] }
  /** The operation goes again on top of the server's record: `change` (null: nothing left to send). */
  | { resolution: 'client-wins' | 'merged'; change: Change | null; fields: string[] }
  /** Parked until a person decides (`resolveConflict`); later operations on the record wait. */
  | { resolution: 'manual'; fields: string[] }

/** A time in epoch milliseconds from a number or an ISO 8601 string, else null. */
export function timeOf(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value
  if (typeof value === 'string') {
    const parsed = Date.parse(value)
    return Number.isNaN(parsed) ? null : parsed
  }
  return null
}

/**
 * The change that puts `wanted` on top of `remote`. For the operation's own update on a record that
 * still exists, its own patch: other fields changed on the server stay as the server has them. For its
 * own create on a record someone else created meanwhile, its fields: the fields only the server's record
 * has (someone else's edits, which the create never saw) stay too.
 */
export function changeOnto(remote: Rec | null, wanted: Rec | null, own?: Change): Change | null {
  if (wanted === null) return remote === null ? null : { kind: 'delete', data: null }
  if (remote === null) return { kind: 'create', data: wanted }
  if (own?.kind === 'update' && own.data) return { kind: 'update', data: own.data }
  const patch = createMergePatch(remote, own?.kind === 'create' ? { ...remote, ...wanted } : wanted)
  return Object.keys(patch).length === 0 ? null : { kind: 'update', data: patch }
}

/** Fields of the two records that differ (top level), for the conflict list when no merge ran. */
function differingFields(local: Rec | null, remote: Rec | null): string[] {
  if (local === null || remote === null) return []
  const keys = new Set([...Object.keys(local), ...Object.keys(remote)])
  return [...keys].filter((key) => !jsonEqual(local[key], remote[key]))
}

/** Settles a conflict by the entity's strategy. Pure: everything it needs is in the context. */
export function decideConflict(
  strategy: ConflictStrategy,
  context: ConflictContext,
  options: { versionField: string },
): ConflictDecision {
  const { local, remote, op } = context
  const own: Change = { kind: op.kind, data: op.data }
  const fields = differingFields(local, remote)
  const clientWins = (): ConflictDecision => ({ resolution: 'client-wins', change: changeOnto(remote, local, own), fields })
  const serverWins = (): ConflictDecision => ({ resolution: 'server-wins', fields })
  const lastWriteWins = (updatedAtField: string): ConflictDecision => {
    // The remote side's time comes from its updated-at field; a record deleted remotely has none, so the
    // server's deletion stands. Clock skew between devices decides close calls: see the README.
    const remoteTime = timeOf(remote?.[updatedAtField])
    return remoteTime !== null && op.enqueuedAt > remoteTime ? clientWins() : serverWins()
  }

  if (typeof strategy === 'function') {
    const decided = strategy(context)
    if (decided === 'manual') return { resolution: 'manual', fields }
    if ('choose' in decided) return decided.choose === 'local' ? clientWins() : serverWins()
    const merged = decided.merged
    return { resolution: 'merged', change: changeOnto(remote, merged), fields }
  }
  const name = typeof strategy === 'string' ? strategy : strategy.strategy
  switch (name) {
    case 'server-wins':
      return serverWins()
    case 'client-wins':
      return clientWins()
    case 'manual':
      return { resolution: 'manual', fields }
    case 'last-write-wins':
      return lastWriteWins((typeof strategy === 'object' && strategy.updatedAtField) || 'updatedAt')
    case 'merge': {
      const merge = typeof strategy === 'object' && strategy.strategy === 'merge' ? strategy : { strategy: 'merge' as const }
      const fallback = merge.fallback ?? 'manual'
      const updatedAtField = merge.updatedAtField ?? 'updatedAt'
      // A deletion on either side has no fields to merge: the fallback decides the whole record.
      if (local === null || remote === null) {
        if (fallback === 'manual') return { resolution: 'manual', fields }
        if (fallback === 'client-wins') return clientWins()
        if (fallback === 'server-wins') return serverWins()
        return lastWriteWins(updatedAtField)
      }
      const remoteTime = timeOf(remote[updatedAtField])
      // Fields both sides changed that no field merger settles go to the fallback; manual leaves them open.
      const settle: Record<Exclude<typeof fallback, 'manual'>, FieldMerger> = {
        'client-wins': ({ local: value }) => ({ value }),
        'server-wins': ({ remote: value }) => ({ value }),
        'last-write-wins': lastWriteWinsField(),
      }
      const result = threeWayMerge(context.base, local, remote, {
        fields: merge.fields as Record<string, FieldMerger> | undefined,
        ...(fallback === 'manual' ? {} : { fallback: settle[fallback] }),
        localTime: op.enqueuedAt,
        remoteTime,
      })
      if (result.conflicts.length > 0) return { resolution: 'manual', fields: result.conflicts }
      // A copy: the merge may share nested objects with the (frozen) records it was given.
      const merged = structuredClone(result.merged)
      // The version is the server's to set: the merge goes on top of the remote version.
      if (options.versionField in remote) merged[options.versionField] = remote[options.versionField]
      return { resolution: 'merged', change: changeOnto(remote, merged), fields: result.conflicts }
    }
  }
}

