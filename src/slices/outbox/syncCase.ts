import type { UnknownAction } from '@reduxjs/toolkit'
import type { ResolvedCircuitBreakerOptions } from '../../core/circuitBreaker'
import type { OutboxState } from '../outboxState'

/** What the parts of the sync slice are built from. */
export interface OutboxConfig {
  reducerPath: string
  /** Priority of each entity, by name. */
  priorities: ReadonlyMap<string, number>
  circuitBreaker: ResolvedCircuitBreakerOptions
  isOnline: () => boolean
  /** With persistence, the outbox starts unhydrated and sends nothing until the restore. */
  persistent: boolean
  /** Seqs are `counter × seqSlots + slot`; `nextSeq` holds the counter. */
  seqSlots: number
  /** The cases of persistence's actions (rtk-offline/persist's `reducers.outboxCases`), when the app persists. */
  persistenceCases?: SyncCase[]
}

/**
 * One part's reducer for one action type (or, with `matcher`, for the actions it matches). The sync slice
 * runs the parts' cases of an action in the order outboxSlice.ts lists the parts.
 */
export type SyncCase =
  | { type: string; reduce: (state: OutboxState, action: UnknownAction) => void }
  | { matcher: (action: UnknownAction) => boolean; reduce: (state: OutboxState, action: UnknownAction) => void }

/** A case of `creator`'s actions, typed by the creator. */
export function on<A extends UnknownAction>(
  creator: { type: string; match: (action: unknown) => action is A },
  reduce: (state: OutboxState, action: A) => void,
): SyncCase {
  return { type: creator.type, reduce: reduce as (state: OutboxState, action: UnknownAction) => void }
}
