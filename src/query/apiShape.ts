/**
 * The parts of an RTK Query API this entry uses, structurally: any `createApi` result fits, whatever its
 * base query and endpoints (their types are kept by the generics of createOfflineMutations).
 */
export interface AnyApi {
  readonly reducerPath: string
  readonly endpoints: Record<string, { select?: unknown; initiate?: unknown }>
  readonly util: { updateQueryData: unknown }
}
