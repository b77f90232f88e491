import type { EntityId } from '@reduxjs/toolkit'
import { idPath, trieGet } from '../../core/trie'
import type { SyncEngine } from '../syncHandler'

/**
 * A pull that reads the server's whole change feed from no cursor, onto records this client already holds:
 * a start-over after a 410 (the server no longer knows the cursor), after a create's answer that may be a
 * stored one (see the pull handler), or a first pull onto records restored without their cursor, loaded
 * by the app or rendered on the server. A feed read from no cursor holds every live record at its latest
 * change and no tombstones. Records this client confirmed before and the feed never brought are records
 * the server deleted meanwhile: the read must remove them too, or the client keeps them forever (it
 * would never converge with the server).
 */
export interface Resync {
  /** Each record's id and confirmed server state when the pull started over, by id as a string. */
  readonly before: ReadonlyMap<string, Confirmed>
  /** The ids the restarted pull has brought so far (as strings). */
  readonly seen: Set<string>
  /** Pages it has applied: none yet means it asks from the start of the feed. */
  pages: number
  /**
   * Ids of records the answers that came with its pages (`answered`, confirmation by pull) confirmed: the
   * server's stored answers, as old as the first request, so no proof the record is still there. The
   * server reads them before the page, so a record it still has is in the feed the pull reads after.
   */
  readonly unproven: Set<string>
}

/** A record's id and its confirmed server state (null for a record the server does not have yet). */
type Confirmed = readonly [id: EntityId, state: unknown]

/**
 * Each record's confirmed server state in the view, by id as a string: the record where no change is
 * pending, else its `base`. A record deleted here and not yet on the server is out of the view and left
 * out: its delete, sent, is answered "already gone" if the server deleted it too.
 */
function confirmedStates(engine: SyncEngine, entityName: string): Map<string, Confirmed> {
  const state = engine.config.entities.get(entityName)!.selectState(engine.api.getState())
  return new Map(
    state.ids.map((id) => {
      const pending = trieGet(state.pending, idPath(id))
      return [String(id), [id, pending ? pending.base : state.entities[id]]] as const
    }),
  )
}

/** Whether the view holds a record the server confirmed (one with a confirmed state). */
export function holdsConfirmed(engine: SyncEngine, entityName: string): boolean {
  const state = engine.config.entities.get(entityName)!.selectState(engine.api.getState())
  for (const id of state.ids) {
    const pending = trieGet(state.pending, idPath(id))
    if (!pending || pending.base) return true
  }
  return false
}

/**
 * Durability invariant 3 across a deletion the feed no longer shows. A record whose confirmed state here is
 * still the one held when the start-over began was confirmed by the feed alone, so the record a page of the
 * start-over brings is newer, whatever its version: a lower one means it was deleted and created again
 * meanwhile, its tombstone gone with the history (chaos seed 20536). These ids go with the page
 * (`pulledPage`'s `renewed`); a record our own push confirmed meanwhile keeps the version check.
 */
export function renewedByResync(
  engine: SyncEngine,
  entityName: string,
  resync: Resync,
  changes: ReadonlyArray<{ id: EntityId; record: Record<string, unknown> | null }>,
): EntityId[] {
  const state = engine.config.entities.get(entityName)!.selectState(engine.api.getState())
  const renewed: EntityId[] = []
  for (const { id, record } of changes) {
    const held = resync.before.get(String(id))?.[1]
    if (record === null || !held) continue
    const pending = trieGet(state.pending, idPath(id))
    if ((pending ? pending.base : state.entities[id]) === held) renewed.push(id)
  }
  return renewed
}

/** Starts watching a restarted pull of one entity. */
export function startResync(engine: SyncEngine, entityName: string): Resync {
  return { before: confirmedStates(engine, entityName), seen: new Set(), pages: 0, unproven: new Set() }
}

/**
 * The records to remove once the restarted pull has reached the end of the feed: confirmed before it,
 * never brought by it, and with the same confirmed state as then (a record our own push confirmed
 * meanwhile is known to the server, wherever its change fell in the feed), or confirmed meanwhile only by
 * a stored answer that came with the pull's pages (`unproven`: seed 104 of test/protocolChaos). Records
 * with changes pending here are among them when the server had them before: the removal reaches them
 * as a pulled tombstone does, so their changes meet the deletion as a conflict, as they would have.
 * Records created here and not yet confirmed are never among them.
 */
export function sweptByResync(engine: SyncEngine, entityName: string, resync: Resync): EntityId[] {
  const now = confirmedStates(engine, entityName)
  const swept: EntityId[] = []
  for (const [key, [id, state]] of resync.before) {
    const current = now.get(key)?.[1]
    if (state && !resync.seen.has(key) && (current === state || (current && resync.unproven.has(key)))) swept.push(id)
  }
  return swept
}
