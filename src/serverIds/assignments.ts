import type { EntityId, UnknownAction } from '@reduxjs/toolkit'
import { opsSettled } from '../slices/actions'

/** One create the server confirmed under an id of its own. */
export interface Assignment {
  entity: string
  /** The temporary id the record was created with. */
  localId: EntityId
  /** The id the server gave it. */
  serverId: EntityId
  /** The create's seq and id, to check it is still the operation answered. */
  seq: number
  opId: string
}

/** The creates an `opsSettled` confirms under server ids, or null when it confirms none (every other action). */
export function assignmentsOf(action: UnknownAction): Assignment[] | null {
  if (!opsSettled.match(action)) return null
  let found: Assignment[] | null = null
  for (const result of action.payload.results)
    if (result.type === 'confirmed' && result.localId !== undefined)
      (found ??= []).push({ entity: result.entity, localId: result.localId, serverId: result.recordId, seq: result.seq, opId: result.opId })
  return found
}

/** By entity, the server id of each temporary id (keyed as a string, as records are). */
export interface IdLookup {
  get(entity: string): { get(localId: string): EntityId | undefined } | undefined
}

/** The stored id map (`assignedIds` of the sync slice) as a lookup. */
export function storedLookup(assigned: Record<string, Record<string, EntityId>> | undefined): IdLookup {
  return {
    get(entity) {
      const ids = assigned !== undefined && Object.hasOwn(assigned, entity) ? assigned[entity]! : undefined
      return ids && { get: (localId) => (Object.hasOwn(ids, localId) ? ids[localId] : undefined) }
    },
  }
}

export function lookupOf(assignments: readonly Assignment[]): IdLookup {
  const lookup = new Map<string, Map<string, EntityId>>()
  for (const { entity, localId, serverId } of assignments) {
    let ids = lookup.get(entity)
    if (!ids) lookup.set(entity, (ids = new Map()))
    ids.set(String(localId), serverId)
  }
  return lookup
}

/** The fields of `references` whose entity `lookup` has ids for, as [field, entity]. */
export function referencingFields(references: Readonly<Record<string, string>>, entities: { has(entity: string): boolean }): Array<[string, string]> {
  return Object.entries(references).filter(([, entity]) => entities.has(entity))
}

/**
 * The record with each reference field that names a temporary id of `lookup` put to the server id, or
 * the record itself when none does (so unchanged records keep their identity).
 */
export function withServerIds<TRecord extends Record<string, unknown> | null>(
  record: TRecord,
  fields: ReadonlyArray<readonly [string, string]>,
  lookup: IdLookup,
): TRecord {
  if (record === null) return record
  let changed: Record<string, unknown> | null = null
  for (const [field, entity] of fields) {
    const value = record[field]
    if (typeof value !== 'string' && typeof value !== 'number') continue
    const serverId = lookup.get(entity)?.get(String(value))
    if (serverId === undefined) continue
    changed ??= { ...record }
    changed[field] = serverId
  }
  return (changed ?? record) as TRecord
}
