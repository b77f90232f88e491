import type { SqlDriver, SqlQueryable } from './types'

/** The notification channel the server's instances share on one database. */
export const POKE_CHANNEL = 'rtk_offline_changes'

/** Called with the collection that changed in the listener's scope. */
export type PokeListener = (collection: string) => void

/**
 * Who to poke when a scope changes: the event streams of this process, by scope. With a driver that
 * can `listen` (PostgreSQL, PGlite) every write sends `NOTIFY` inside its own transaction, so the
 * notification goes out only if and when the change commits, to every instance on the database; the
 * hub pokes its streams when the notification comes back. Without `listen` the hub pokes its own
 * streams after the commit, and other instances learn nothing (their clients find out at their next pull).
 */
export interface PokeHub {
  /** Starts listening (once); falls back to in-process pokes when the driver cannot. */
  start(): Promise<void>
  subscribe(scope: string, listener: PokeListener): () => void
  /** Inside the write's transaction: tells the database (or remembers) that `collections` of `scope` changed. */
  announce(tx: SqlQueryable, scope: string, collections: readonly string[]): Promise<void>
  /** After the transaction committed: pokes in-process when there is no database notification. */
  committed(scope: string, collections: readonly string[]): void
  stop(): Promise<void>
}

export function createPokeHub(db: SqlDriver, onError: (error: unknown) => void): PokeHub {
  const listeners = new Map<string, Set<PokeListener>>()
  let unlisten: (() => Promise<void>) | null = null
  let viaDatabase = false

  function poke(scope: string, collections: readonly string[]): void {
    for (const listener of [...(listeners.get(scope) ?? [])])
      for (const collection of collections) {
        try {
          listener(collection)
        } catch (error) {
          onError(error)
        }
      }
  }

  function onNotification(payload: string): void {
    try {
      const { scope, collections } = JSON.parse(payload) as { scope: string; collections: string[] }
      poke(scope, collections)
    } catch (error) {
      onError(error)
    }
  }

  return {
    async start() {
      if (!db.listen || unlisten) return
      try {
        unlisten = await db.listen(POKE_CHANNEL, onNotification)
        viaDatabase = true
      } catch (error) {
        onError(error)
      }
    },
    subscribe(scope, listener) {
      let set = listeners.get(scope)
      if (!set) listeners.set(scope, (set = new Set()))
      set.add(listener)
      return () => {
        set.delete(listener)
        if (set.size === 0) listeners.delete(scope)
      }
    },
    async announce(tx, scope, collections) {
      if (!viaDatabase || collections.length === 0) return
      await tx.query('SELECT pg_notify($1, $2)', [POKE_CHANNEL, JSON.stringify({ scope, collections })])
    },
    committed(scope, collections) {
      if (!viaDatabase && collections.length > 0) poke(scope, collections)
    },
    async stop() {
      const stop = unlisten
      unlisten = null
      viaDatabase = false
      listeners.clear()
      if (stop) await stop()
    },
  }
}
