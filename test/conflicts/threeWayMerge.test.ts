import fc from 'fast-check'
import { describe, expect, it, vi } from 'vitest'
import { threeWayMerge, type ThreeWayMergeOptions } from '../../src/conflicts/threeWayMerge'
import type { FieldMerger } from '../../src/conflicts/types'

type Rec = Record<string, unknown>

const times: ThreeWayMergeOptions = { localTime: 2_000, remoteTime: 1_000 }

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const nested of Object.values(value)) deepFreeze(nested)
    Object.freeze(value)
  }
  return value
}

/** Merges frozen copies, so any attempt to modify an input throws. */
function merge(base: Rec | null, local: Rec, remote: Rec, options: Partial<ThreeWayMergeOptions> = {}) {
  return threeWayMerge(deepFreeze(base), deepFreeze(local), deepFreeze(remote), { ...times, ...options })
}

describe('threeWayMerge: fields changed on one side', () => {
  it('takes each side’s changes to different fields', () => {
    const base = { id: 1, title: 'Milk', done: false, note: 'x' }
    const local = { id: 1, title: 'Oat milk', done: false, note: 'x' }
    const remote = { id: 1, title: 'Milk', done: true, note: 'x' }

    expect(merge(base, local, remote)).toEqual({ merged: { id: 1, title: 'Oat milk', done: true, note: 'x' }, conflicts: [] })
  })

  it('takes a field added on one side only', () => {
    expect(merge({ id: 1 }, { id: 1, note: 'call back' }, { id: 1 })).toEqual({ merged: { id: 1, note: 'call back' }, conflicts: [] })
    expect(merge({ id: 1 }, { id: 1 }, { id: 1, note: 'from server' })).toEqual({ merged: { id: 1, note: 'from server' }, conflicts: [] })
  })

  it('removes a field removed on one side and left alone on the other', () => {
    const base = { id: 1, note: 'x', tag: 'y' }

    expect(merge(base, { id: 1, tag: 'y' }, base)).toEqual({ merged: { id: 1, tag: 'y' }, conflicts: [] })
    expect(merge(base, base, { id: 1, note: 'x' })).toEqual({ merged: { id: 1, note: 'x' }, conflicts: [] })
  })

  it('keeps a field that neither side changed, including null', () => {
    expect(merge({ a: null, b: 1 }, { a: null, b: 2 }, { a: null, b: 1 }).merged).toStrictEqual({ a: null, b: 2 })
  })
})

describe('threeWayMerge: fields changed on both sides', () => {
  it('is no conflict when both sides set the same value, arrays and objects compared deeply', () => {
    const base = { title: 'Milk', tags: ['a'], meta: { x: 1 } }
    const both = { title: 'Oat milk', tags: ['a', 'b'], meta: { y: 2, x: 3 } }

    expect(merge(base, both, { meta: { x: 3, y: 2 }, tags: ['a', 'b'], title: 'Oat milk' })).toEqual({ merged: both, conflicts: [] })
  })

  it('is no conflict when both sides removed the field', () => {
    expect(merge({ id: 1, note: 'x' }, { id: 1 }, { id: 1 })).toEqual({ merged: { id: 1 }, conflicts: [] })
  })

  it('lists a field changed to different values and keeps the remote value', () => {
    expect(merge({ title: 'Milk', qty: 1 }, { title: 'Oat milk', qty: 1 }, { title: 'Soy milk', qty: 2 })).toEqual({
      merged: { title: 'Soy milk', qty: 2 },
      conflicts: ['title'],
    })
  })

  it('lists a field added on both sides with different values, and not one added with the same value', () => {
    expect(merge({ id: 1 }, { id: 1, note: 'mine' }, { id: 1, note: 'theirs' })).toEqual({ merged: { id: 1, note: 'theirs' }, conflicts: ['note'] })
    expect(merge({ id: 1 }, { id: 1, note: 'same' }, { id: 1, note: 'same' })).toEqual({ merged: { id: 1, note: 'same' }, conflicts: [] })
  })

  it('lists a field removed on one side and changed on the other, keeping the remote state', () => {
    const base = { id: 1, note: 'x' }

    // Removed locally, changed remotely: the remote value stays.
    expect(merge(base, { id: 1 }, { id: 1, note: 'y' })).toEqual({ merged: { id: 1, note: 'y' }, conflicts: ['note'] })
    // Changed locally, removed remotely: the field stays absent.
    expect(merge(base, { id: 1, note: 'y' }, { id: 1 })).toEqual({ merged: { id: 1 }, conflicts: ['note'] })
  })

  it('treats arrays as values: never merged element by element', () => {
    const base = { tags: ['a', 'b'] }

    expect(merge(base, { tags: ['a', 'b', 'c'] }, { tags: ['b'] })).toEqual({ merged: { tags: ['b'] }, conflicts: ['tags'] })
    expect(merge(base, { tags: ['a', 'b', 'c'] }, base)).toEqual({ merged: { tags: ['a', 'b', 'c'] }, conflicts: [] })
  })

  it('treats a change of type as a change: a number replaced by a string of the same digits', () => {
    expect(merge({ n: 1 }, { n: '1' }, { n: 1 })).toEqual({ merged: { n: '1' }, conflicts: [] })
  })
})

describe('threeWayMerge: nested objects', () => {
  const base = { id: 1, address: { city: 'Oslo', zip: '0150', geo: { lat: 59.9, lng: 10.7 } } }

  it('merges changes to different keys of an object changed on both sides', () => {
    const local = { id: 1, address: { city: 'Bergen', zip: '0150', geo: { lat: 59.9, lng: 10.7 } } }
    const remote = { id: 1, address: { city: 'Oslo', zip: '5003', geo: { lat: 59.9, lng: 10.8 } } }

    expect(merge(base, local, remote)).toEqual({
      merged: { id: 1, address: { city: 'Bergen', zip: '5003', geo: { lat: 59.9, lng: 10.8 } } },
      conflicts: [],
    })
  })

  it('lists nested conflicts by dot-joined path, keeping the rest of the object merged', () => {
    const local = { id: 1, address: { city: 'Bergen', zip: '0150', geo: { lat: 60.4, lng: 10.7 } } }
    const remote = { id: 1, address: { city: 'Trondheim', zip: '7010', geo: { lat: 63.4, lng: 10.7 } } }

    expect(merge(base, local, remote)).toEqual({
      merged: { id: 1, address: { city: 'Trondheim', zip: '7010', geo: { lat: 63.4, lng: 10.7 } } },
      conflicts: ['address.city', 'address.geo.lat'],
    })
  })

  it('merges nested keys added and removed on either side', () => {
    const local = { id: 1, address: { city: 'Oslo', zip: '0150', geo: { lat: 59.9, lng: 10.7 }, floor: 3 } }
    const remote = { id: 1, address: { city: 'Oslo', geo: { lat: 59.9, lng: 10.7 } } }

    expect(merge(base, local, remote)).toEqual({
      merged: { id: 1, address: { city: 'Oslo', geo: { lat: 59.9, lng: 10.7 }, floor: 3 } },
      conflicts: [],
    })
  })

  it('merges objects added on both sides, key by key, as against an empty base', () => {
    expect(merge({ id: 1 }, { id: 1, prefs: { theme: 'dark', lang: 'nb' } }, { id: 1, prefs: { lang: 'nb', tz: 'CET' } })).toEqual({
      merged: { id: 1, prefs: { lang: 'nb', tz: 'CET', theme: 'dark' } },
      conflicts: [],
    })
  })

  it('does not merge objects that both replaced a value that was not an object', () => {
    expect(merge({ address: 'Oslo' }, { address: { city: 'Oslo' } }, { address: { zip: '0150' } })).toEqual({
      merged: { address: { zip: '0150' } },
      conflicts: ['address'],
    })
    expect(merge({ address: null }, { address: { city: 'Oslo' } }, { address: { zip: '0150' } }).conflicts).toEqual(['address'])
  })

  it('lists an object replaced by an array or a scalar on the other side as one conflict', () => {
    expect(merge(base, { id: 1, address: ['Oslo'] }, { id: 1, address: { city: 'Bergen' } })).toEqual({
      merged: { id: 1, address: { city: 'Bergen' } },
      conflicts: ['address'],
    })
  })
})

describe('threeWayMerge: a null base (no record on the server when the change was made)', () => {
  it('takes fields present on one side, agrees on equal ones and lists different ones', () => {
    expect(merge(null, { id: 1, title: 'Mine', done: false, mine: true }, { id: 1, title: 'Theirs', done: false, theirs: true })).toEqual({
      merged: { id: 1, title: 'Theirs', done: false, theirs: true, mine: true },
      conflicts: ['title'],
    })
  })

  it('merges objects on both sides recursively', () => {
    expect(merge(null, { a: { x: 1, y: 1 } }, { a: { x: 2, z: 1 } })).toEqual({ merged: { a: { x: 2, z: 1, y: 1 } }, conflicts: ['a.x'] })
  })
})

describe('threeWayMerge: field mergers', () => {
  const sum: FieldMerger = ({ base, local, remote }) =>
    typeof base === 'number' && typeof local === 'number' && typeof remote === 'number' ? { value: local + remote - base } : undefined

  it('settles a top-level field changed on both sides, with both sides and both times', () => {
    const merger = vi.fn(sum)

    expect(merge({ qty: 10, title: 'a' }, { qty: 8, title: 'b' }, { qty: 7, title: 'a' }, { fields: { qty: merger } })).toEqual({
      merged: { qty: 5, title: 'b' },
      conflicts: [],
    })
    expect(merger.mock.calls).toEqual([[{ base: 10, local: 8, remote: 7, localTime: 2_000, remoteTime: 1_000 }]])
  })

  it('is not asked about a field changed on one side only', () => {
    const merger = vi.fn(sum)

    merge({ qty: 10 }, { qty: 8 }, { qty: 10 }, { fields: { qty: merger } })
    merge({ qty: 10 }, { qty: 10 }, { qty: 8 }, { fields: { qty: merger } })

    expect(merger).not.toHaveBeenCalled()
  })

  it('decides a field both sides changed to the same value (two equal changes may be two: regression of the two-instance scale test, where concurrent +1s to a counter were merged into one)', () => {
    const merger = vi.fn(sum)

    expect(merge({ qty: 10 }, { qty: 8 }, { qty: 8 }, { fields: { qty: merger } })).toEqual({ merged: { qty: 6 }, conflicts: [] })
    expect(merger).toHaveBeenCalledTimes(1)
    // Without a merger of its own, equal changes agree (the fallback is not asked either).
    const fallback = vi.fn(() => ({ value: 0 }))
    expect(merge({ qty: 10 }, { qty: 8 }, { qty: 8 }, { fallback })).toEqual({ merged: { qty: 8 }, conflicts: [] })
    expect(fallback).not.toHaveBeenCalled()
  })

  it('leaves the field a conflict when it returns undefined', () => {
    expect(merge({ qty: 10 }, { qty: 8 }, { qty: 'many' }, { fields: { qty: sum } })).toEqual({ merged: { qty: 'many' }, conflicts: ['qty'] })
  })

  it('removes the field when it settles on undefined', () => {
    expect(merge({ qty: 1, id: 1 }, { qty: 2, id: 1 }, { qty: 3, id: 1 }, { fields: { qty: () => ({ value: undefined }) } })).toEqual({
      merged: { id: 1 },
      conflicts: [],
    })
  })

  it('applies to top-level fields only, not to nested keys of the same name', () => {
    const merger = vi.fn(sum)

    expect(merge({ stock: { qty: 10 } }, { stock: { qty: 8 } }, { stock: { qty: 7 } }, { fields: { qty: merger } })).toEqual({
      merged: { stock: { qty: 7 } },
      conflicts: ['stock.qty'],
    })
    expect(merger).not.toHaveBeenCalled()
  })

  it('for an object field, is asked only when merging the objects key by key leaves conflicts, and then decides the whole field', () => {
    const local: FieldMerger = ({ local }) => ({ value: local })
    const merger = vi.fn(local)
    const base = { prefs: { theme: 'light', lang: 'en' } }

    expect(merge(base, { prefs: { theme: 'dark', lang: 'en' } }, { prefs: { theme: 'light', lang: 'nb' } }, { fields: { prefs: merger } })).toEqual({
      merged: { prefs: { theme: 'dark', lang: 'nb' } },
      conflicts: [],
    })
    expect(merger).not.toHaveBeenCalled()

    expect(merge(base, { prefs: { theme: 'dark', lang: 'en' } }, { prefs: { theme: 'blue', lang: 'nb' } }, { fields: { prefs: merger } })).toEqual({
      merged: { prefs: { theme: 'dark', lang: 'en' } },
      conflicts: [],
    })
    expect(merger).toHaveBeenCalledOnce()
  })

  it('for an object field, leaves the nested conflicts listed when it does not decide', () => {
    expect(
      merge({ prefs: { theme: 'light' } }, { prefs: { theme: 'dark' } }, { prefs: { theme: 'blue' } }, { fields: { prefs: () => undefined } }),
    ).toEqual({ merged: { prefs: { theme: 'blue' } }, conflicts: ['prefs.theme'] })
  })

  it('ignores inherited names: a field called toString has no merger unless given one', () => {
    expect(merge({ toString: 1 }, { toString: 2 }, { toString: 3 }, { fields: {} })).toEqual({ merged: { toString: 3 }, conflicts: ['toString'] })
  })
})

describe('threeWayMerge: fallback', () => {
  const preferLocal: FieldMerger = ({ local }) => ({ value: local })

  it('settles conflicts at every depth, after the field mergers', () => {
    const base = { qty: 10, title: 'a', address: { city: 'Oslo', zip: '0150' } }
    const local = { qty: 8, title: 'b', address: { city: 'Bergen', zip: '0150' } }
    const remote = { qty: 7, title: 'c', address: { city: 'Trondheim', zip: '7010' } }

    expect(merge(base, local, remote, { fallback: preferLocal, fields: { qty: () => ({ value: 5 }) } })).toEqual({
      merged: { qty: 5, title: 'b', address: { city: 'Bergen', zip: '7010' } },
      conflicts: [],
    })
  })

  it('settles a removal against a change with the preferred side', () => {
    expect(merge({ id: 1, note: 'x' }, { id: 1 }, { id: 1, note: 'y' }, { fallback: preferLocal })).toEqual({ merged: { id: 1 }, conflicts: [] })
  })

  it('leaves a field a conflict when it returns undefined', () => {
    expect(merge({ a: 1 }, { a: 2 }, { a: 3 }, { fallback: () => undefined })).toEqual({ merged: { a: 3 }, conflicts: ['a'] })
  })
})

describe('threeWayMerge: inputs and keys', () => {
  it('does not modify its inputs and returns a new record', () => {
    const base = { a: { x: 1 } }
    const local = { a: { x: 2 } }
    const remote = { a: { y: 1, x: 1 } }

    const { merged } = merge(base, local, remote)

    expect(merged).toEqual({ a: { x: 2, y: 1 } })
    expect(merged).not.toBe(local)
    expect(merged).not.toBe(remote)
    expect(merged['a']).not.toBe(remote.a)
  })

  it('keeps a `__proto__` field as data and never touches the prototype', () => {
    const base = JSON.parse('{"__proto__": {"polluted": false}, "id": 1}') as Rec
    const local = JSON.parse('{"__proto__": {"polluted": true}, "id": 1}') as Rec
    const remote = JSON.parse('{"__proto__": {"polluted": false}, "id": 1, "extra": 2}') as Rec

    const { merged, conflicts } = merge(base, local, remote)

    expect(conflicts).toEqual([])
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype)
    expect(Object.getOwnPropertyDescriptor(merged, '__proto__')?.value).toEqual({ polluted: true })
    expect(merged['extra']).toBe(2)
    expect(({} as Rec)['polluted']).toBeUndefined()
  })

  it('does not read inherited fields: a `constructor` field added or removed on one side is not compared with Object', () => {
    expect(merge({}, { constructor: 'x' }, {})).toEqual({ merged: { constructor: 'x' }, conflicts: [] })
    expect(merge({}, {}, { constructor: 'y' })).toEqual({ merged: { constructor: 'y' }, conflicts: [] })
    expect(merge({ constructor: 'x', id: 1 }, { id: 1 }, { constructor: 'x', id: 1 })).toStrictEqual({ merged: { id: 1 }, conflicts: [] })
  })

  it('treats a field set to undefined as absent', () => {
    expect(merge({ a: 1 }, { a: undefined }, { a: 1 })).toEqual({ merged: {}, conflicts: [] })
    expect(Object.keys(merge({ a: 1 }, { a: undefined }, { a: 1 }).merged)).toEqual([])
  })
})

// Properties. Records over few keys, so that the three sides often touch the same fields, nested a few
// levels; keys have no dots, so a conflict path splits back into its keys.
const keys = ['a', 'b', 'c', 'd'] as const
const { record, value: jsonValue } = fc.letrec<{ value: unknown; record: Rec }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.integer({ min: 0, max: 3 }),
    fc.constantFrom('x', 'y'),
    fc.boolean(),
    fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 2 }),
    tie('record'),
  ),
  record: fc.dictionary(fc.constantFrom(...keys), tie('value'), { maxKeys: 4, noNullPrototype: true }),
}))

/** `value` without the fields at `paths` (dot-joined), rebuilt with data properties only. */
function omitPaths(value: Rec, paths: readonly string[]): Rec {
  const split = paths.map((path) => path.split('.'))
  const walk = (object: Rec, prefixes: readonly string[][]): Rec =>
    Object.fromEntries(
      Object.entries(object).flatMap(([key, nested]) => {
        const below = prefixes.filter((path) => path[0] === key)
        if (below.some((path) => path.length === 1)) return []
        if (below.length === 0 || typeof nested !== 'object' || nested === null || Array.isArray(nested)) return [[key, nested]]
        return [[key, walk(nested as Rec, below.map((path) => path.slice(1)))]]
      }),
    )
  return walk(value, split)
}

describe('threeWayMerge: properties', () => {
  it('one side unchanged: the merge is the other side, with no conflicts', () => {
    fc.assert(
      fc.property(record, record, (base, changed) => {
        expect(merge(base, changed, base)).toEqual({ merged: changed, conflicts: [] })
        expect(merge(base, base, changed)).toEqual({ merged: changed, conflicts: [] })
      }),
    )
  })

  it('both sides equal: the merge is that record, with no conflicts', () => {
    fc.assert(
      fc.property(fc.option(record, { nil: null }), record, (base, both) => {
        expect(merge(base, both, structuredClone(both))).toEqual({ merged: both, conflicts: [] })
      }),
    )
  })

  it('is symmetric: swapping the sides lists the same conflicts and merges every other field alike', () => {
    fc.assert(
      fc.property(fc.option(record, { nil: null }), record, record, (base, local, remote) => {
        const forward = merge(base, local, remote)
        const backward = merge(base, remote, local)

        expect([...backward.conflicts].sort()).toEqual([...forward.conflicts].sort())
        expect(omitPaths(backward.merged, backward.conflicts)).toEqual(omitPaths(forward.merged, forward.conflicts))
      }),
    )
  })

  it('changes to disjoint top-level fields merge cleanly, with each side’s changes', () => {
    const change = fc.record({ side: fc.constantFrom('local', 'remote'), value: fc.option(jsonValue, { nil: undefined }) })
    fc.assert(
      fc.property(record, fc.dictionary(fc.constantFrom(...keys, 'e', 'f'), change, { noNullPrototype: true }), (base, changes) => {
        const apply = (side: 'local' | 'remote' | 'both'): Rec => {
          const out: Rec = { ...base }
          for (const [key, { side: owner, value }] of Object.entries(changes)) {
            if (side !== 'both' && owner !== side) continue
            if (value === undefined) delete out[key]
            else out[key] = value
          }
          return out
        }

        expect(merge(base, apply('local'), apply('remote'))).toEqual({ merged: apply('both'), conflicts: [] })
      }),
    )
  })

  it('every conflict is a path where local and remote hold different values', () => {
    fc.assert(
      fc.property(fc.option(record, { nil: null }), record, record, (base, local, remote) => {
        const at = (object: Rec, path: string): unknown =>
          path.split('.').reduce<unknown>((value, key) => (typeof value === 'object' && value !== null ? (value as Rec)[key] : undefined), object)

        for (const path of merge(base, local, remote).conflicts) expect(at(local, path)).not.toEqual(at(remote, path))
      }),
    )
  })
})
