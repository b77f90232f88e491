import { createAction } from '@reduxjs/toolkit'
import type { QueryReturnValue } from '@reduxjs/toolkit/query'

/** Sends a queued mutation's request now, with its idempotency key, under the engine's signal. */
export type SendRequest = (idempotencyKey: string, signal: AbortSignal) => Promise<QueryReturnValue<unknown, unknown, unknown>>

/**
 * What the middleware answers a wrapped base query that asks about a mutation's request:
 * - `send`: the engine sends this request (a queued mutation after a reload): go, with this key and signal;
 * - `queued`: the app triggered it and it is now queued: hand over how to send it, and resolve with the
 *   answer the engine settles it with (the trigger's promise stays pending until then).
 */
export type Ticket =
  | { kind: 'send'; idempotencyKey: string; signal: AbortSignal }
  | { kind: 'queued'; wait(send: SendRequest): Promise<QueryReturnValue<unknown, unknown, unknown>> }

/**
 * Dispatched by {@link offlineBaseQuery} when an endpoint's mutation reaches the base query; the
 * middleware of createOfflineMutations answers it with a {@link Ticket} as the dispatch's return value (and
 * does not pass it on). Without that middleware, dispatch returns the action itself and the request goes
 * out as it would without rtk-offline.
 */
export const baseQueryCalled = /* @__PURE__ */ createAction<{ endpoint: string }>('offlineMutations/baseQueryCalled')

export function isTicket(value: unknown): value is Ticket {
  const kind = (value as { kind?: unknown } | null)?.kind
  return typeof value === 'object' && value !== null && !('type' in value) && (kind === 'send' || kind === 'queued')
}
