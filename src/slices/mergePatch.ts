/**
 * JSON merge patch (RFC 7386): how an update's changed fields apply to a record, and how two updates
 * made before either was sent become one. Hand-written because the RFC is a dozen lines and the npm
 * packages for it do not compose patches, which coalescing needs.
 */

export type JsonObject = Record<string, unknown>

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Applies `patch` to `target`: `null` removes a field, objects merge recursively, anything else replaces. */
export function applyMergePatch(target: JsonObject, patch: JsonObject): JsonObject {
  const result: JsonObject = { ...target }
  for (const key of Object.keys(patch)) {
    const value = patch[key]
    if (value === null) delete result[key]
    else if (isJsonObject(value)) {
      const current = result[key]
      result[key] = applyMergePatch(isJsonObject(current) ? current : {}, value)
    } else result[key] = value
  }
  return result
}

/**
 * One patch with the effect of applying `first` then `second`, or `undefined` when no single merge
 * patch can say it (a field removed by `first` and set to an object by `second` would merge with the
 * target's old object instead of replacing it).
 */
export function composeMergePatch(first: JsonObject, second: JsonObject): JsonObject | undefined {
  const result: JsonObject = { ...first }
  for (const key of Object.keys(second)) {
    const next = second[key]
    const previous = first[key]
    if (isJsonObject(next)) {
      if (isJsonObject(previous)) {
        const nested = composeMergePatch(previous, next)
        if (nested === undefined) return undefined
        result[key] = nested
      } else if (previous === undefined) result[key] = next
      else if (previous === null) return undefined
      // `first` set a scalar or array: the target's field is no object then, so `second` builds one afresh.
      else result[key] = applyMergePatch({}, next)
    } else result[key] = next
  }
  return result
}
