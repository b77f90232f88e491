import { createMergePatch, type JsonObject } from '../core/mergePatch'

/**
 * The update an upsert of an existing record makes: the fields it brings that differ, as the entity
 * adapter's `upsertOne` merges them (shallowly: fields it leaves out stay), or null when none differ.
 * The version field is the server's and is left out: an upsert of a fetched record carrying a newer
 * version changes its other fields, and the server moves the version.
 */
export function upsertChanges(current: JsonObject, input: JsonObject, versionField: string): JsonObject | null {
  const merged: JsonObject = { ...current, ...input }
  if (versionField in current) merged[versionField] = current[versionField]
  else delete merged[versionField]
  const changes = createMergePatch(current, merged)
  return Object.keys(changes).length > 0 ? changes : null
}
