import type { Draft, Middleware, Reducer } from '@reduxjs/toolkit'
import type { DefinitionsFromApi, EndpointDefinitions, MutationDefinition, QueryArgFrom, QueryKeys, ResultTypeFrom } from '@reduxjs/toolkit/query'
import type { RetryOptions, SyncAdapter, SyncedEntityLike, SyncedEntityState } from 'rtk-offline'
import type { AnyApi } from './apiShape'

/** The names of an API's mutation endpoints (the ones that can be queued). */
export type MutationEndpointName<TDefinitions extends EndpointDefinitions> = {
  [K in keyof TDefinitions]: TDefinitions[K] extends MutationDefinition<any, any, any, any, any> ? K : never // eslint-disable-line @typescript-eslint/no-explicit-any
}[keyof TDefinitions] &
  string

/**
 * Changes one query cache entry, as RTK Query's `api.util.updateQueryData(endpointName, arg, recipe)`: the
 * recipe gets an immer draft of the entry's data. Called inside {@link OfflineEndpointOptions.optimistic}.
 */
export type PatchQueryData<TDefinitions extends EndpointDefinitions> = <TEndpoint extends QueryKeys<TDefinitions> & string>(
  endpointName: TEndpoint,
  arg: QueryArgFrom<TDefinitions[TEndpoint]>,
  recipe: (draft: Draft<ResultTypeFrom<TDefinitions[TEndpoint]>>) => void,
) => void

/** How one mutation endpoint is queued. */
export interface OfflineEndpointOptions<TDefinitions extends EndpointDefinitions, TEndpoint extends keyof TDefinitions> {
  /**
   * The optimistic change a queued mutation makes to the query cache: call `patch(endpointName, queryArg,
   * recipe)` for each entry it changes, as you would call `updateQueryData` in `onQueryStarted`. It is a
   * function of the mutation's argument, not a stored patch, so it is applied again after a reload and on
   * top of every refetch while the mutation waits, and taken out again if the server refuses it.
   * Keep it pure: it runs more than once.
   * @default none: the cache changes only when the mutation's tags are invalidated
   * @example
   * ```ts
   * addTodo: { optimistic: (todo, patch) => patch('getTodos', undefined, (draft) => { draft.push(todo) }) }
   * ```
   */
  optimistic?: (arg: QueryArgFrom<TDefinitions[TEndpoint]>, patch: PatchQueryData<TDefinitions>) => void
}

/** How a queued mutation's failed answer is treated. */
export type MutationErrorKind = 'retry' | 'reject' | 'auth'

/** Options of {@link createOfflineMutations}. */
export interface OfflineMutationsOptions<TApi extends AnyApi, TName extends string = string> {
  /** The API made by `createApi`, whose `baseQuery` is wrapped in {@link offlineBaseQuery}. */
  api: TApi
  /** The mutation endpoints to queue, by name, with their optimistic patches. Other mutations run as before. */
  endpoints: { [K in MutationEndpointName<DefinitionsFromApi<TApi>>]?: OfflineEndpointOptions<DefinitionsFromApi<TApi>, K> }
  /**
   * The synced entity holding the queued mutations; mount its reducer under this name.
   * @default 'offlineMutations'
   */
  name?: TName
  /**
   * Decides what a failed answer means. `retry`: sent again with backoff (held mutations behind it wait);
   * `reject`: given up, its patches taken out, listed as failed; `auth`: sending pauses for credentials
   * (`onAuthError` of createOfflineSync).
   * @default a network error or timeout, 408, 425, 429 and 5xx are retried; 401 and 403 ask for
   * credentials; any other error (4xx, 409 and 412 included, a parsing or custom error) is rejected
   */
  classifyError?: (error: unknown) => MutationErrorKind
  /**
   * Backoff of a failed mutation and of the ones queued behind it (mutations are sent one at a time, in
   * the order they were made). Use the same values as createOfflineSync's `retry`.
   * @default { baseDelayMs: 1000, maxDelayMs: 60_000 }
   */
  retry?: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs'>
  /**
   * The clock, in epoch milliseconds.
   * @default () => Date.now()
   */
  now?: () => number
  /**
   * Randomness for backoff jitter, in [0, 1).
   * @default Math.random
   */
  random?: () => number
  /**
   * Errors of your code that must not stop the queue: an `optimistic` function or recipe that throws (its
   * patch is left out), and a listed mutation sent without the outbox (its base query not wrapped).
   * @default console.error
   */
  onError?: (error: unknown) => void
  /**
   * Makes the record id of each queued mutation.
   * @default () => crypto.randomUUID()
   */
  generateId?: () => string
}

/** A queued mutation as the synced entity holds it (and storage keeps it). */
export interface QueuedMutation {
  /** Its record id (the `Idempotency-Key` it is sent with is its operation's id, as for every operation). */
  id: string
  /** The mutation endpoint's name. */
  endpoint: string
  /** The argument the mutation was triggered with. */
  arg: unknown
  /** RTK Query's `requestId` of the trigger that queued it (the hook's `result.requestId`), in the page that made it. */
  requestId?: string
  /** The endpoint's answer (before `transformResponse`), set when it is accepted; the record is dropped right after. */
  result?: unknown
}

/** What {@link createOfflineMutations} returns. */
export interface OfflineMutations<TName extends string = string> {
  /** Where to mount {@link OfflineMutations.reducer}. */
  readonly name: TName
  /** The synced entity of queued mutations: list it in `createOfflineSync({ entities })`. */
  readonly entity: SyncedEntityLike
  /** Its reducer: mount it under `name`. */
  readonly reducer: Reducer<SyncedEntityState<QueuedMutation>>
  /**
   * Queues the listed mutations, keeps their optimistic patches in the query cache and settles them. Put it
   * after `api.middleware` and before `sync.middleware`.
   */
  readonly middleware: Middleware
  /**
   * The adapter for createOfflineSync: queued mutations are sent through their endpoint; every other
   * entity's operations go to `adapter` (your REST or sync-protocol adapter), if you have synced entities too.
   */
  adapter(adapter?: SyncAdapter): SyncAdapter
  /** The mutations waiting to be sent (or being sent), oldest first. */
  selectQueued(state: unknown): QueuedMutation[]
  /**
   * The queued mutation a trigger made, by the `requestId` of its hook result (`useAddTodoMutation()[1].requestId`)
   * or of the promise the trigger returned; undefined once it is sent and answered, or if it was not queued.
   */
  selectQueuedByRequestId(state: unknown, requestId: string | undefined): QueuedMutation | undefined
}
