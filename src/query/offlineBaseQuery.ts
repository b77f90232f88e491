import type { BaseQueryApi, BaseQueryFn, FetchArgs } from '@reduxjs/toolkit/query'
import { baseQueryCalled, isTicket } from './actions'

/** Options of {@link offlineBaseQuery}. */
export interface OfflineBaseQueryOptions {
  /**
   * Puts the idempotency key on the request. The default sets the header on fetchBaseQuery's arguments (a
   * URL string or `{ url, headers, … }`); a base query of another shape passes its own.
   * @default (args, key) => args with the header `Idempotency-Key: key`
   */
  withIdempotencyKey?: (args: unknown, idempotencyKey: string) => unknown
}

/** Adds the `Idempotency-Key` header to fetchBaseQuery's arguments, keeping a header of that name the request set. */
export function withIdempotencyHeader(args: unknown, idempotencyKey: string): FetchArgs {
  const request: FetchArgs = typeof args === 'string' ? { url: args } : { ...(args as FetchArgs) }
  const headers = new Headers(request.headers as HeadersInit | undefined)
  if (!headers.has('Idempotency-Key')) headers.set('Idempotency-Key', idempotencyKey)
  return { ...request, headers }
}

/**
 * Wraps an API's base query so that the mutations listed in createOfflineMutations go through the
 * outbox: a mutation triggered by the app is queued (stored, then sent by the engine with backoff, the
 * circuit breaker and tabs) and its trigger resolves with the answer it is finally settled with; the
 * request the engine sends carries the queued mutation's `Idempotency-Key`. Every other request (queries,
 * mutations not listed) goes straight to `baseQuery`.
 *
 * @example
 * ```ts
 * const api = createApi({ baseQuery: offlineBaseQuery(fetchBaseQuery({ baseUrl: '/api' })), endpoints: … })
 * ```
 */
export function offlineBaseQuery<TArgs, TResult, TError, TExtraOptions, TMeta>(
  baseQuery: BaseQueryFn<TArgs, TResult, TError, TExtraOptions, TMeta>,
  options: OfflineBaseQueryOptions = {},
): BaseQueryFn<TArgs, TResult, TError, TExtraOptions, TMeta> {
  const keyed = (options.withIdempotencyKey ?? withIdempotencyHeader) as (args: TArgs, idempotencyKey: string) => TArgs
  return (args, api, extraOptions) => {
    if (api.type !== 'mutation') return baseQuery(args, api, extraOptions)
    // Asked synchronously: RTK Query calls the base query in the same tick as the mutation's pending action,
    // which the middleware has just seen (with the argument the app gave, which the base query never gets).
    const ticket: unknown = api.dispatch(baseQueryCalled({ endpoint: api.endpoint }))
    if (!isTicket(ticket)) return baseQuery(args, api, extraOptions)
    const sendWith = (idempotencyKey: string, signal: AbortSignal) => {
      const engineApi: BaseQueryApi = { ...api, signal }
      return baseQuery(keyed(args, idempotencyKey), engineApi, extraOptions)
    }
    if (ticket.kind === 'send') return sendWith(ticket.idempotencyKey, ticket.signal)
    return ticket.wait(async (key, signal) => await sendWith(key, signal)) as ReturnType<BaseQueryFn<TArgs, TResult, TError, TExtraOptions, TMeta>>
  }
}
