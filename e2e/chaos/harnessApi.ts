import type { StrategyName } from '../../test/chaos/chaosClient'

/**
 * The API the harness page puts on `window.harness`, as the Node driver calls it through `page.evaluate`.
 * Shared by the page (harness/main.ts) and the driver, so both sides agree on its shape.
 */

/** The conflict strategies a device's notes may settle conflicts with (the Node suite's names). */
export type { StrategyName }
export const STRATEGY_NAMES: readonly StrategyName[] = ['server-wins', 'client-wins', 'last-write-wins', 'merge', 'manual']

/** What an edit did: null or why it was refused, and the operations it went into (new or coalesced into). */
export interface EditResult {
  refused: string | null
  opIds: string[]
}

/**
 * What a page tells the driver as it happens (a Playwright binding, so it outlives a crash of the tab
 * that sent it): a conflict the engine settled, and a parked change a person dropped for the server's
 * record ("use theirs"). `data` is the operation's change (its edit tokens), `base` the record it was
 * made on, `remote` the server's record the conflict reported.
 */
export interface PageReport {
  type: 'conflict' | 'theirs'
  device: string
  tab: number
  /** The user the operation was made under (its server scope). */
  user: string | null
  opId: string
  recordId: string
  kind: string
  resolution: string
  data: Record<string, unknown> | null
  base: Record<string, unknown> | null
  remote: Record<string, unknown> | null
}

/** The name of the binding the driver exposes to every page of a device. */
export const REPORT_BINDING = 'chaosReport'

/** A note as the harness syncs it: `owner` is the device that created it; `t_<token>` marks each edit. */
export type Note = Record<string, unknown> & { id: string; owner: string; title: string; version?: number }

/** One operation of the outbox, in short. */
export interface OpSummary {
  id: string
  kind: string
  recordId: string
  status: string
  attempts: number
  userId: string | null
  lastError: string | null
}

/** What the driver reads of a tab at any moment. */
export interface TabSnapshot {
  /** The user the outbox belongs to (`offline.userId`), and the user the app signed in (localStorage). */
  outboxUser: string | null
  signedIn: string | null
  hydrated: boolean
  records: Note[]
  ops: OpSummary[]
  phase: string
  pending: number
  inflight: number
  failed: number
  openConflicts: number
  /** Conflicts met (opsSettled results of type conflict), in short, for the trace (the driver judges them by the page's reports). */
  conflictsMet: string[]
  /** Errors the engine reported through onError, in short. */
  errors: string[]
  isSender: boolean | null
}

export interface HarnessApi {
  /** Resolves once the restore is done (persistor.ready). */
  ready(): Promise<void>
  /** Creates a note. */
  create(id: string, token: string): EditResult
  /** Changes a note's title and marks the edit's token. */
  update(id: string, token: string): EditResult
  remove(id: string): EditResult
  /** Settles every open (manual) conflict, the i-th with `keepMine[i]` (cycled): keep mine, or use theirs. Returns how many. */
  resolveConflicts(keepMine: boolean[]): number
  setOnline(online: boolean): void
  /** Signs `user` in as an app does: remembered in localStorage first, then persistor.switchUser. */
  switchUser(user: string): Promise<void>
  /** persistor.flush(): resolves once everything dispatched so far is in storage. */
  flush(): Promise<void>
  pullNow(): void
  syncNow(): void
  retryFailed(): void
  snapshot(): TabSnapshot
  /** Op ids stored in IndexedDB under the signed-in user's namespace. */
  storedOpIds(): Promise<string[]>
  /** Edit tokens held by op records in IndexedDB, under every user's namespace (what a crash left stored). */
  storedTokens(): Promise<string[]>
}

/** The harness page's query: `?device=d0&tab=0&user=alice&strategy=merge`. */
export interface HarnessQuery {
  device: string
  tab: number
  user: string
  strategy: StrategyName
}

/** Every edit marks the record with a field of its own token; tokens are unique per scenario. */
export const tokenField = (token: string) => `t_${token}`

export function tokensOf(data: unknown): string[] {
  if (!data || typeof data !== 'object') return []
  return Object.keys(data)
    .filter((key) => key.startsWith('t_'))
    .map((key) => key.slice(2))
}

/** The bearer token of a user, as the chaos server's authenticate reads it. */
export const tokenOf = (user: string) => `chaos-${user}`
/** The header naming the device a request comes from, so the fault layer can queue faults per device. */
export const DEVICE_HEADER = 'X-Chaos-Device'
