import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { deepMerge, lastWriteWinsField, maxValue, mergeAsSet, sumCounters } from '../../src/conflicts/resolvers'
import { threeWayMerge } from '../../src/conflicts/threeWayMerge'
import type { ConflictContext, FieldSides } from '../../src/conflicts/types'
import type { Operation } from '../../src/types'

type Rec = Record<string, unknown>

/** The sides of one field, with the local change the newer unless told otherwise. */
const sides = (base: unknown, local: unknown, remote: unknown, times: Partial<FieldSides> = {}): FieldSides => ({
  base,
  local,
  remote,
  localTime: 2_000,
  remoteTime: 1_000,
  ...times,
})

describe('mergeAsSet', () => {
  const merge = mergeAsSet()

  it('keeps the items both sides kept, drops the items either removed, adds the items either added', () => {
    expect(merge(sides(['a', 'b', 'c'], ['a', 'b', 'd'], ['b', 'c', 'e']))).toEqual({ value: ['b', 'e', 'd'] })
  })

  it('orders the remote items first, then the local additions in local order', () => {
    expect(merge(sides(['x'], ['x', 'l2', 'l1'], ['r1', 'x', 'r2']))).toEqual({ value: ['r1', 'x', 'r2', 'l2', 'l1'] })
  })

  it('adds an item added on both sides once', () => {
    expect(merge(sides(['a'], ['a', 'b'], ['b', 'a']))).toEqual({ value: ['b', 'a'] })
  })

  it('compares items by deep equality', () => {
    const base = [{ id: 1, tags: ['x'] }]
    const local = [{ tags: ['x'], id: 1 }, { id: 2 }]
    const remote = [{ id: 3 }]

    // Remote removed {id: 1}; local kept it (an equal object, not the same one) and added {id: 2}.
    expect(merge(sides(base, local, remote))).toEqual({ value: [{ id: 3 }, { id: 2 }] })
  })

  it('treats an absent or null base as an empty set: a field added on both sides is the union', () => {
    expect(merge(sides(undefined, ['a', 'b'], ['c', 'a']))).toEqual({ value: ['c', 'a', 'b'] })
    expect(merge(sides(null, ['a'], ['b']))).toEqual({ value: ['b', 'a'] })
  })

  it('does not decide when a side is not an array', () => {
    expect(merge(sides(['a'], 'a', ['a', 'b']))).toBeUndefined()
    expect(merge(sides(['a'], ['a', 'b'], undefined))).toBeUndefined()
    expect(merge(sides('a', ['a'], ['b']))).toBeUndefined()
  })

  it('settles a tags field in a three-way merge', () => {
    const base = { id: 1, tags: ['urgent', 'home'] }

    expect(
      threeWayMerge(base, { id: 1, tags: ['home', 'shop'] }, { id: 1, tags: ['urgent', 'home', 'weekly'] }, {
        fields: { tags: merge },
        localTime: 2_000,
        remoteTime: 1_000,
      }),
    ).toEqual({ merged: { id: 1, tags: ['home', 'weekly', 'shop'] }, conflicts: [] })
  })

  it('property: the result holds every item added on either side and kept by the other, once, and no item removed on a side', () => {
    const items = fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e'), { maxLength: 5 })
    fc.assert(
      fc.property(items, items, items, (base, local, remote) => {
        const value = merge(sides(base, local, remote))?.value as string[]
        const expected = new Set(
          [...local, ...remote].filter((item) => !base.includes(item) || (local.includes(item) && remote.includes(item))),
        )

        expect(new Set(value)).toEqual(expected)
        expect(value).toHaveLength(expected.size)
      }),
    )
  })
})

describe('sumCounters', () => {
  const sum = sumCounters()

  it('adds both sides’ deltas to the base: two clients selling 2 and 3 from a stock of 10 leave 5', () => {
    expect(sum(sides(10, 8, 7))).toEqual({ value: 5 })
  })

  it('adds a restock on one side to a sale on the other', () => {
    expect(sum(sides(10, 30, 9))).toEqual({ value: 29 })
  })

  it('counts an absent or null base as 0', () => {
    expect(sum(sides(undefined, 2, 3))).toEqual({ value: 5 })
    expect(sum(sides(null, 2, 3))).toEqual({ value: 5 })
  })

  it('does not decide for anything but finite numbers', () => {
    expect(sum(sides(10, '8', 7))).toBeUndefined()
    expect(sum(sides(10, 8, undefined))).toBeUndefined()
    expect(sum(sides('10', 8, 7))).toBeUndefined()
    expect(sum(sides(10, Number.POSITIVE_INFINITY, 7))).toBeUndefined()
  })

  it('settles the inventory case in a three-way merge, leaving other fields to the usual rules', () => {
    const base = { id: 'sku-1', quantity: 10, name: 'Bolt' }
    const local = { id: 'sku-1', quantity: 8, name: 'Bolt' }
    const remote = { id: 'sku-1', quantity: 7, name: 'Bolt M6' }

    expect(threeWayMerge(base, local, remote, { fields: { quantity: sum }, localTime: 2_000, remoteTime: 1_000 })).toEqual({
      merged: { id: 'sku-1', quantity: 5, name: 'Bolt M6' },
      conflicts: [],
    })
  })

  it('property: the order of the sides does not matter', () => {
    const count = fc.integer({ min: -1000, max: 1000 })
    fc.assert(
      fc.property(count, count, count, (base, local, remote) => {
        expect(sum(sides(base, local, remote))).toEqual(sum(sides(base, remote, local)))
      }),
    )
  })
})

describe('maxValue', () => {
  const max = maxValue()

  it('keeps the larger number', () => {
    expect(max(sides(1, 5, 3))).toEqual({ value: 5 })
    expect(max(sides(1, -5, 3))).toEqual({ value: 3 })
  })

  it('keeps the later ISO 8601 time, compared as instants, as written', () => {
    expect(max(sides(null, '2024-05-01T12:00:00+02:00', '2024-05-01T11:00:00Z'))).toEqual({ value: '2024-05-01T11:00:00Z' })
    expect(max(sides(null, '2024-05-02', '2024-05-01T23:59:59.999Z'))).toEqual({ value: '2024-05-02' })
    expect(max(sides(null, '2024-05-01T10:00:00.5Z', '2024-05-01T10:00:00.25Z'))).toEqual({ value: '2024-05-01T10:00:00.5Z' })
  })

  it('keeps the remote value when both name the same instant', () => {
    expect(max(sides(null, '2024-05-01T12:00:00+02:00', '2024-05-01T10:00:00Z'))).toEqual({ value: '2024-05-01T10:00:00Z' })
  })

  it('does not decide for other strings, mixed types, or invalid dates', () => {
    expect(max(sides(null, 'banana', 'apple'))).toBeUndefined()
    expect(max(sides(null, 'May 1, 2024', '2024-05-01'))).toBeUndefined()
    expect(max(sides(null, 3, '2024-05-01'))).toBeUndefined()
    expect(max(sides(null, '2024-13-45', '2024-05-01'))).toBeUndefined()
    expect(max(sides(null, 3, undefined))).toBeUndefined()
    expect(max(sides(null, Number.NaN, 3))).toBeUndefined()
  })
})

describe('lastWriteWinsField', () => {
  const lww = lastWriteWinsField()

  it('takes the local value when the local change is newer than the remote record', () => {
    expect(lww(sides('a', 'mine', 'theirs', { localTime: 2_000, remoteTime: 1_000 }))).toEqual({ value: 'mine' })
  })

  it('takes the remote value when the remote record is newer, or as new', () => {
    expect(lww(sides('a', 'mine', 'theirs', { localTime: 1_000, remoteTime: 2_000 }))).toEqual({ value: 'theirs' })
    expect(lww(sides('a', 'mine', 'theirs', { localTime: 1_000, remoteTime: 1_000 }))).toEqual({ value: 'theirs' })
  })

  it('takes the local value when the remote record has no updated-at time', () => {
    expect(lww(sides('a', 'mine', 'theirs', { remoteTime: null }))).toEqual({ value: 'mine' })
  })

  it('lets a newer removal win, removing the field', () => {
    expect(
      threeWayMerge({ id: 1, phone: '1' }, { id: 1 }, { id: 1, phone: '2' }, { fields: { phone: lww }, localTime: 2_000, remoteTime: 1_000 }),
    ).toEqual({ merged: { id: 1 }, conflicts: [] })
  })
})

describe('deepMerge', () => {
  const op: Operation = {
    id: 'op-1',
    seq: 1,
    entity: 'profiles',
    recordId: 'p1',
    kind: 'update',
    data: {},
    baseVersion: 1,
    enqueuedAt: 2_000,
    attempts: 1,
    nextAttemptAt: null,
    status: 'inflight',
    lastError: null,
    priority: 0,
    userId: null,
  }
  const context = (base: Rec | null, local: Rec | null, remote: Rec | null): ConflictContext => ({ base, local, remote, op, versionField: 'version' })

  const base = { id: 'p1', name: 'Ada', address: { city: 'Oslo', zip: '0150' }, tags: ['a'] }
  const local = { id: 'p1', name: 'Ada L.', address: { city: 'Bergen', zip: '0150' }, tags: ['a', 'b'] }
  const remote = { id: 'p1', name: 'Ada', address: { city: 'Trondheim', zip: '7010' }, tags: ['c'], bio: 'Hi' }

  it('merges field by field and settles the rest with the local side by default', () => {
    expect(deepMerge()(context(base, local, remote))).toEqual({
      merged: { id: 'p1', name: 'Ada L.', address: { city: 'Bergen', zip: '7010' }, tags: ['a', 'b'], bio: 'Hi' },
    })
  })

  it('settles the rest with the remote side when it prefers remote', () => {
    expect(deepMerge({ prefer: 'remote' })(context(base, local, remote))).toEqual({
      merged: { id: 'p1', name: 'Ada L.', address: { city: 'Trondheim', zip: '7010' }, tags: ['c'], bio: 'Hi' },
    })
  })

  it('merges against a null base (a record created on both sides)', () => {
    expect(deepMerge()(context(null, { id: 'p1', name: 'Mine', a: 1 }, { id: 'p1', name: 'Theirs', b: 2 }))).toEqual({
      merged: { id: 'p1', name: 'Mine', a: 1, b: 2 },
    })
  })

  it('when the server deleted the record, keeps the local record if it prefers local, else the deletion', () => {
    expect(deepMerge()(context(base, local, null))).toEqual({ choose: 'local' })
    expect(deepMerge({ prefer: 'remote' })(context(base, local, null))).toEqual({ choose: 'remote' })
  })

  it('when the local change deletes the record, chooses the preferred side', () => {
    expect(deepMerge()(context(base, null, remote))).toEqual({ choose: 'local' })
    expect(deepMerge({ prefer: 'remote' })(context(base, null, remote))).toEqual({ choose: 'remote' })
  })

  it('never parks a conflict for a person', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('a', 'b'), fc.integer({ min: 0, max: 2 })), fc.dictionary(fc.constantFrom('a', 'b'), fc.integer({ min: 0, max: 2 })), (mine, theirs) => {
        const resolution = deepMerge()(context({ a: 0 }, mine, theirs))
        expect(resolution).not.toBe('manual')
        expect(resolution).toHaveProperty('merged')
      }),
    )
  })

  it('throws a sentence that says what to do when `prefer` is neither side', () => {
    // @ts-expect-error: 'server' is not one of the sides.
    expect(() => deepMerge({ prefer: 'server' })).toThrow("rtk-offline: deepMerge's `prefer` must be 'local' or 'remote', not \"server\".")
  })
})
