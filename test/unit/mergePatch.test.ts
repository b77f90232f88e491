import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { applyMergePatch, composeMergePatch, isJsonObject, type JsonObject } from '../../src/core/mergePatch'

/**
 * JSON objects over three keys, so that targets and patches touch the same fields often: nulls, numbers,
 * strings, arrays and nested objects, a few levels deep.
 */
const { jsonObject } = fc.letrec<{ jsonValue: unknown; jsonObject: JsonObject }>((tie) => ({
  jsonValue: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.integer({ min: 0, max: 3 }),
    fc.constantFrom('x', 'y'),
    fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 2 }),
    tie('jsonObject'),
  ),
  jsonObject: fc.dictionary(fc.constantFrom('a', 'b', 'c'), tie('jsonValue'), { maxKeys: 3, noNullPrototype: true }),
}))

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const nested of Object.values(value)) deepFreeze(nested)
    Object.freeze(value)
  }
  return value
}

/**
 * True when no single merge patch has the effect of `first` then `second` for every target: some field
 * that `first` sets to something other than an object (null removes it; a scalar or an array replaces
 * it) is set to an object by `second`. Applied to a target whose field holds an object, a patch can
 * only merge into that object, never replace it with a new one.
 */
function cannotCompose(first: JsonObject, second: JsonObject): boolean {
  return Object.keys(second).some((key) => {
    const next = second[key]
    const previous = first[key]
    if (!isJsonObject(next) || previous === undefined) return false
    return isJsonObject(previous) ? cannotCompose(previous, next) : true
  })
}

describe('applyMergePatch', () => {
  // RFC 7386 appendix A, the rows whose target and patch are both objects (the function's domain).
  it.each<[JsonObject, JsonObject, JsonObject]>([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('RFC 7386 appendix A: %j patched with %j gives %j', (target, patch, expected) => {
    expect(applyMergePatch(deepFreeze(target), deepFreeze(patch))).toEqual(expected)
  })

  it('RFC 7386 section 3: the worked example', () => {
    const target = {
      title: 'Goodbye!',
      author: { givenName: 'John', familyName: 'Doe' },
      tags: ['example', 'sample'],
      content: 'This will be unchanged',
    }
    const patch = {
      title: 'Hello!',
      phoneNumber: '+01-123-456-7890',
      author: { familyName: null },
      tags: ['example'],
    }

    expect(applyMergePatch(deepFreeze(target), deepFreeze(patch))).toEqual({
      title: 'Hello!',
      author: { givenName: 'John' },
      tags: ['example'],
      content: 'This will be unchanged',
      phoneNumber: '+01-123-456-7890',
    })
  })

  it('replaces a scalar with an object built from the patch, without its nulls', () => {
    expect(applyMergePatch({ a: 1 }, { a: { b: 2, c: null } })).toEqual({ a: { b: 2 } })
  })

  it('returns a new object and leaves target and patch as they were', () => {
    const target = { a: { b: 1 }, c: [1, 2] }
    const patch = { a: { b: 2 }, d: 'x' }
    const result = applyMergePatch(target, patch)

    expect(result).not.toBe(target)
    expect(result.a).not.toBe(target.a)
    expect(target).toEqual({ a: { b: 1 }, c: [1, 2] })
    expect(patch).toEqual({ a: { b: 2 }, d: 'x' })
  })

  // A record or a patch parsed from a server's JSON may hold any key; "__proto__" must stay a field.
  it('keeps a "__proto__" field parsed from JSON as an ordinary field', () => {
    const patch = JSON.parse('{"__proto__": {"isAdmin": true}, "title": "x"}') as JsonObject
    const result = applyMergePatch({}, patch)

    expect(Object.getPrototypeOf(result)).toBe(Object.prototype)
    expect(JSON.stringify(result)).toBe('{"__proto__":{"isAdmin":true},"title":"x"}')
  })

  it('never mutates its inputs (property)', () => {
    fc.assert(
      fc.property(jsonObject, jsonObject, (target, patch) => {
        const targetCopy = structuredClone(target)
        const patchCopy = structuredClone(patch)
        applyMergePatch(deepFreeze(target), deepFreeze(patch))
        expect(target).toEqual(targetCopy)
        expect(patch).toEqual(patchCopy)
      }),
    )
  })
})

describe('composeMergePatch', () => {
  it.each<[string, JsonObject, JsonObject, JsonObject]>([
    ['keeps fields of both', { a: 1 }, { b: 2 }, { a: 1, b: 2 }],
    ['lets the second value win', { a: 1 }, { a: 2 }, { a: 2 }],
    ['keeps a removal made by the second', { a: 1 }, { a: null }, { a: null }],
    ['lets the second set a field the first removed to a scalar', { a: null }, { a: 1 }, { a: 1 }],
    ['merges nested objects', { a: { x: 1 } }, { a: { y: 2 } }, { a: { x: 1, y: 2 } }],
    ['keeps a nested removal made by the second', { a: { x: 1 } }, { a: { x: null } }, { a: { x: null } }],
    ['keeps nested removals of either', { a: { x: null } }, { a: { y: null } }, { a: { x: null, y: null } }],
    ['passes an object the first left alone through as is', { b: 1 }, { a: { x: null } }, { b: 1, a: { x: null } }],
    ['lets an array of the second replace an object of the first', { a: { x: 1 } }, { a: [1] }, { a: [1] }],
  ])('%s: %j then %j is %j', (_, first, second, expected) => {
    expect(composeMergePatch(deepFreeze(first), deepFreeze(second))).toEqual(expected)
  })

  it('is undefined when the first removes a field and the second sets it to an object', () => {
    expect(composeMergePatch({ a: null }, { a: { b: 1 } })).toBeUndefined()
  })

  it('is undefined when that happens in a nested object', () => {
    expect(composeMergePatch({ a: { b: null } }, { a: { b: { c: 1 } } })).toBeUndefined()
  })

  // Same reason as a removal: on a target whose field holds an object, any patch that sets the field to
  // an object merges into the old one. {a: 1} then {a: {b: 2}} turns {a: {x: 0}} into {a: {b: 2}};
  // the patch {a: {b: 2}} would turn it into {a: {x: 0, b: 2}}.
  it.each<[JsonObject, JsonObject]>([
    [{ a: 1 }, { a: { b: 2 } }],
    [{ a: 'text' }, { a: {} }],
    [{ a: [1] }, { a: { b: 2 } }],
    [{ a: { b: 1 } }, { a: { b: { c: 2 } } }],
  ])('is undefined when the first sets a field to a scalar or an array and the second to an object: %j then %j', (first, second) => {
    expect(composeMergePatch(first, second)).toBeUndefined()
  })

  it('has the empty patch as identity on both sides (property)', () => {
    fc.assert(
      fc.property(jsonObject, (patch) => {
        expect(composeMergePatch({}, patch)).toEqual(patch)
        expect(composeMergePatch(patch, {})).toEqual(patch)
      }),
    )
  })

  it('has the effect of applying both patches in turn, whenever it returns a patch (property)', () => {
    fc.assert(
      fc.property(jsonObject, jsonObject, jsonObject, (target, first, second) => {
        const composed = composeMergePatch(first, second)
        fc.pre(composed !== undefined)
        expect(applyMergePatch(target, composed!)).toEqual(applyMergePatch(applyMergePatch(target, first), second))
      }),
      { numRuns: 1000 },
    )
  })

  it('is undefined exactly when a field the first patch removed or set to a non-object is set to an object by the second, at any depth (property)', () => {
    fc.assert(
      fc.property(jsonObject, jsonObject, (first, second) => {
        expect(composeMergePatch(first, second) === undefined).toBe(cannotCompose(first, second))
      }),
      { numRuns: 1000 },
    )
  })

  it('never mutates its inputs (property)', () => {
    fc.assert(
      fc.property(jsonObject, jsonObject, (first, second) => {
        const firstCopy = structuredClone(first)
        const secondCopy = structuredClone(second)
        composeMergePatch(deepFreeze(first), deepFreeze(second))
        expect(first).toEqual(firstCopy)
        expect(second).toEqual(secondCopy)
      }),
    )
  })
})
