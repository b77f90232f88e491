import type { Change } from '../core/change'
import { createMergePatch, jsonEqual } from '../core/mergePatch'
import type { ConflictContext, ConflictStrategy } from './types'

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

/**
 * Settles a conflict by the entity's strategy. Pure: everything it needs is in the context. Only the
 * built-ins named by a string live here; every other strategy is a resolver the app imported
 * (lastWriteWins, mergeFields, deepMerge or its own), so the merge code is bundled only when used.
 */
export function decideConflict(
  strategy: ConflictStrategy,
  context: Omit<ConflictContext, 'versionField'>,
  options: { versionField: string },
): ConflictDecision {
  const { local, remote, op } = context
  const own: Change = { kind: op.kind, data: op.data }
  const clientWins = (fields: string[]): ConflictDecision => ({ resolution: 'client-wins', change: changeOnto(remote, local, own), fields })

  if (typeof strategy === 'function') {
    const decided = strategy({ ...context, versionField: options.versionField })
    if (decided === 'manual') return { resolution: 'manual', fields: differingFields(local, remote) }
    const fields = decided.fields?.slice() ?? differingFields(local, remote)
    if ('manual' in decided) return { resolution: 'manual', fields }
    if ('choose' in decided) return decided.choose === 'local' ? clientWins(fields) : { resolution: 'server-wins', fields }
    return { resolution: 'merged', change: changeOnto(remote, decided.merged), fields }
  }
  const fields = differingFields(local, remote)
  switch (strategy) {
    case 'server-wins':
      return { resolution: 'server-wins', fields }
    case 'client-wins':
      return clientWins(fields)
    case 'manual':
      return { resolution: 'manual', fields }
  }
}
