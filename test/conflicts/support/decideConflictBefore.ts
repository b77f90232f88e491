/**
 * The reference: decideConflict as it was before lastWriteWins and mergeFields became imported
 * resolvers (commit 2e7d74b), its `'last-write-wins'` and `'merge'` branches kept verbatim, so a test
 * can show the resolvers decide every conflict exactly as the named strategies did.
 */
import type { Change } from '../../../src/core/change'
import { jsonEqual } from '../../../src/core/mergePatch'
import { changeOnto, type ConflictDecision } from '../../../src/conflicts/decideConflict'
import { threeWayMerge } from '../../../src/conflicts/threeWayMerge'
import { lastWriteWinsField } from '../../../src/conflicts/resolvers'
import { timeOf } from '../../../src/conflicts/lastWriteWins'
import type { ConflictContext, FieldMerger } from '../../../src/conflicts/types'

type Rec = Record<string, unknown>

/** The old strategy forms that needed merge code. */
export type StrategyBefore =
  | 'last-write-wins'
  | 'merge'
  | { strategy: 'last-write-wins'; updatedAtField?: string }
  | {
      strategy: 'merge'
      fields?: Record<string, FieldMerger>
      fallback?: 'manual' | 'server-wins' | 'client-wins' | 'last-write-wins'
      updatedAtField?: string
    }

function differingFields(local: Rec | null, remote: Rec | null): string[] {
  if (local === null || remote === null) return []
  const keys = new Set([...Object.keys(local), ...Object.keys(remote)])
  return [...keys].filter((key) => !jsonEqual(local[key], remote[key]))
}

export function decideConflictBefore(
  strategy: StrategyBefore,
  context: Omit<ConflictContext, 'versionField'>,
  options: { versionField: string },
): ConflictDecision {
  const { local, remote, op } = context
  const own: Change = { kind: op.kind, data: op.data }
  const fields = differingFields(local, remote)
  const clientWins = (): ConflictDecision => ({ resolution: 'client-wins', change: changeOnto(remote, local, own), fields })
  const serverWins = (): ConflictDecision => ({ resolution: 'server-wins', fields })
  const lastWriteWins = (updatedAtField: string): ConflictDecision => {
    const remoteTime = timeOf(remote?.[updatedAtField])
    return remoteTime !== null && op.enqueuedAt > remoteTime ? clientWins() : serverWins()
  }
  const name = typeof strategy === 'string' ? strategy : strategy.strategy
  if (name === 'last-write-wins') return lastWriteWins((typeof strategy === 'object' && strategy.updatedAtField) || 'updatedAt')
  const merge = typeof strategy === 'object' && strategy.strategy === 'merge' ? strategy : { strategy: 'merge' as const }
  const fallback = merge.fallback ?? 'manual'
  const updatedAtField = merge.updatedAtField ?? 'updatedAt'
  if (local === null || remote === null) {
    if (fallback === 'manual') return { resolution: 'manual', fields }
    if (fallback === 'client-wins') return clientWins()
    if (fallback === 'server-wins') return serverWins()
    return lastWriteWins(updatedAtField)
  }
  const remoteTime = timeOf(remote[updatedAtField])
  const settle: Record<Exclude<typeof fallback, 'manual'>, FieldMerger> = {
    'client-wins': ({ local: value }) => ({ value }),
    'server-wins': ({ remote: value }) => ({ value }),
    'last-write-wins': lastWriteWinsField(),
  }
  const result = threeWayMerge(context.base, local, remote, {
    fields: merge.fields,
    ...(fallback === 'manual' ? {} : { fallback: settle[fallback] }),
    localTime: op.enqueuedAt,
    remoteTime,
  })
  if (result.conflicts.length > 0) return { resolution: 'manual', fields: result.conflicts }
  const merged = structuredClone(result.merged)
  if (options.versionField in remote) merged[options.versionField] = remote[options.versionField]
  return { resolution: 'merged', change: changeOnto(remote, merged), fields: result.conflicts }
}
