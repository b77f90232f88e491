/**
 * JSON merge patch (RFC 7386), as the backend applies a `PATCH` body or `editRemote`'s changes. A copy
 * of the core's `applyMergePatch` (src/core/mergePatch.ts): this entry is bundled on its own with
 * `rtk-offline` left external, and the core does not make the function public.
 */

export type JsonObject = Record<string, unknown>

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** `null` removes a field, objects merge recursively, anything else (arrays too) replaces. */
export function applyMergePatch(target: JsonObject, patch: JsonObject): JsonObject {
  const result: JsonObject = { ...target }
  for (const key of Object.keys(patch)) {
    const value = patch[key]
    if (value === null) delete result[key]
    else if (isJsonObject(value)) {
      const current = Object.hasOwn(result, key) ? result[key] : undefined
      setField(result, key, applyMergePatch(isJsonObject(current) ? current : {}, value))
    } else setField(result, key, value)
  }
  return result
}

/** An own property even for `__proto__` (parsed from JSON it is data; assigning it would set the prototype). */
function setField(object: JsonObject, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true })
  else object[key] = value
}
