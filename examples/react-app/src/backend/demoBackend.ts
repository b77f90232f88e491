import type { DemoFailure } from '../demoProtocol'

/** One request the server received, as the panel lists it. */
export interface PanelRequest {
  method: string
  /** Relative to the API's base URL, with the query. */
  path: string
  idempotencyKey: string | null
  status: number | 'network' | undefined
  injected: DemoFailure | null
  /** The remembered answer to a repeated `Idempotency-Key` (nothing applied again). */
  replayed: boolean
}

/** Options of {@link DemoBackend.failNext}. */
export interface PanelFailureOptions {
  retryAfter?: number
  body?: unknown
  /** Only writes count and fail, so pulls go through. */
  writesOnly?: boolean
}

/**
 * What the server panel steers, whichever backend the app runs on: rtk-offline's sync server on PGlite
 * (`npm start`, through the demo gateway) or the mock REST backend in the page (`npm run start:mock`).
 * Controls return at once; the panel shows their effect when {@link backendStore} says something changed.
 */
export interface DemoBackend {
  /** Which backend this is, for the panel's heading. */
  readonly kind: 'server' | 'mock'
  readonly requests: readonly PanelRequest[]
  /** The server's live records of `entity`. */
  records(entity: string): Array<Record<string, unknown> & { id: string | number }>
  seed(entity: string, records: ReadonlyArray<Record<string, unknown> & { id: string }>): void
  editRemote(entity: string, id: string | number, changes: Record<string, unknown>): void
  deleteRemote(entity: string, id: string | number): void
  setLatency(ms: number): void
  failNext(count: number, failure: DemoFailure, options: PanelFailureOptions): void
  /** Empties the server. */
  reset(): Promise<void>
  /** Whether the server answers (the real server can be stopped and started; the mock always runs). */
  readonly running: boolean
  /** Stops or starts the server; undefined where it cannot be stopped. */
  readonly setRunning?: (running: boolean) => void
  /** Starts it; resolves once the API answers. */
  start(): Promise<void>
}

const listeners = new Set<() => void>()
let revision = 0

/** Tells the server panel that the backend's data or request log changed. */
export function backendChanged(): void {
  revision++
  for (const listener of [...listeners]) listener()
}

/** For `useSyncExternalStore`: the panel re-renders when the backend changes. */
export const backendStore = {
  subscribe(listener: () => void) {
    listeners.add(listener)
    return () => void listeners.delete(listener)
  },
  getRevision: () => revision,
}

/** `?latency=1000` starts the server slow, to watch the first pull's progress bar. */
export const initialLatency = Math.min(60_000, Math.max(0, Number(new URLSearchParams(location.search).get('latency')) || 0))
