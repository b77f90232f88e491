import type { Dispatch, UnknownAction } from '@reduxjs/toolkit'
import type { QueryReturnValue } from '@reduxjs/toolkit/query'
import type { SendRequest } from './actions'

/** A mutation RTK Query has started (its pending action seen) whose base query has not asked about it yet. */
export interface StartedMutation {
  requestId: string
  arg: unknown
  /** The queued mutation the engine is sending with this request, or null for one the app triggered. */
  recordId: string | null
}

/** A trigger of this page waiting for its queued mutation's answer: the engine sends through it. */
export interface Waiter {
  send: SendRequest
  resolve(result: QueryReturnValue<unknown, unknown, unknown>): void
}

/** What the middleware and the adapter of one createOfflineMutations instance share. */
export interface MutationRuntime {
  /** The store's, set by the middleware (the adapter is made before the store). */
  dispatch: Dispatch<UnknownAction> | null
  getState: (() => unknown) | null
  /** Started mutations by endpoint, oldest first. */
  readonly started: Map<string, StartedMutation[]>
  /** The engine's sends under way, by record id: the key they carry and the signal that aborts them. */
  readonly sending: Map<string, { idempotencyKey: string; signal: AbortSignal }>
  /** Triggers waiting in this page, by record id. */
  readonly waiters: Map<string, Waiter>
  /**
   * Records whose answer came (accepted or refused) and which the engine has not settled yet: they are done,
   * not waiting (so the ones behind them may go), and an accepted one's change is no longer "queued" for the cache.
   */
  readonly answered: Map<string, 'ok' | 'refused'>
  /** Told when a record's answer comes, before the engine settles it. */
  onAnswered(id: string, verdict: 'ok' | 'refused'): void
  /** Told when the engine sends a record, with how many tries came before (stored, so from any page or tab). */
  onSending(id: string, attempts: number): void
}

/** The fixedCacheKey the engine's own requests carry, so the middleware tells them from the app's. */
export const ENGINE_KEY_PREFIX = 'rtk-offline/queued/'
