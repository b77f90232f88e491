/**
 * JSON merge patch (RFC 7386): how an update's changed fields apply to a record, and how two updates
 * made before either was sent become one. Hand-written because the RFC is a dozen lines and the npm
 * packages for it do not compose patches, which coalescing needs.
 */

export type JsonObject = Record<string, unknown>

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

const hasOwn = (object: object, key: string): boolean => Object.prototype.hasOwnProperty.call(object, key)

/** Sets a field as an own property: `__proto__` parsed from JSON is data, and assigning it would set the prototype. */
function setField(object: JsonObject, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true })
  else object[key] = value
}

/** Applies `patch` to `target`: `null` removes a field, objects merge recursively, anything else replaces. */
export function applyMergePatch(target: JsonObject, patch: JsonObject): JsonObject {
  const result: JsonObject = { ...target }
  for (const key of Object.keys(patch)) {
    const value = patch[key]
    if (value === null) delete result[key]
    else if (isJsonObject(value)) {
      const current = hasOwn(result, key) ? result[key] : undefined
      setField(result, key, applyMergePatch(isJsonObject(current) ? current : {}, value))
    } else setField(result, key, value)
  }
  return result
}

/**
 * One patch with the effect of applying `first` then `second`, or `undefined` when no single merge
 * patch can say it: when `first` removes a field or sets it to a non-object and `second` sets it to an
 * object, applying them in turn builds that object afresh, while one patch would merge it into whatever
 * object the target held.
 */
export function composeMergePatch(first: JsonObject, second: JsonObject): JsonObject | undefined {
  const result: JsonObject = { ...first }
  for (const key of Object.keys(second)) {
    const next = second[key]
    const previous = hasOwn(first, key) ? first[key] : undefined
    if (isJsonObject(next) && previous !== undefined) {
      if (!isJsonObject(previous)) return undefined
      const nested = composeMergePatch(previous, next)
      if (nested === undefined) return undefined
      setField(result, key, nested)
    } else setField(result, key, next)
  }
  return result
}

/**
 * The merge patch that turns `from` into `to`: changed and added fields, `null` for removed ones,
 * nested objects as nested patches. (A field whose new value is `null` cannot be said in a merge patch;
 * it comes out as removed.)
 */
export function createMergePatch(from: JsonObject, to: JsonObject): JsonObject {
  const patch: JsonObject = {}
  for (const key of Object.keys(from)) if (!hasOwn(to, key)) setField(patch, key, null)
  for (const key of Object.keys(to)) {
    const before = hasOwn(from, key) ? from[key] : undefined
    const after = to[key]
    if (isJsonObject(before) && isJsonObject(after)) {
      const nested = createMergePatch(before, after)
      if (Object.keys(nested).length > 0) setField(patch, key, nested)
    } else if (!jsonEqual(before, after)) setField(patch, key, after === undefined ? null : after)
  }
  return patch
}

/** Deep equality of JSON values. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((item, i) => jsonEqual(item, (b as unknown[])[i]))
  const keysA = Object.keys(a)
  const keysB = Object.keys(b)
  return keysA.length === keysB.length && keysA.every((key) => hasOwn(b, key) && jsonEqual((a as JsonObject)[key], (b as JsonObject)[key]))
}
