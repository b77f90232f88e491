import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { applyChange, coalesce, replay, type Change } from '../../src/core/change'
import type { JsonObject } from '../../src/core/mergePatch'

const create = (data: JsonObject): Change => ({ kind: 'create', data })
const update = (data: JsonObject): Change => ({ kind: 'update', data })
const remove: Change = { kind: 'delete', data: null }

/** JSON objects over three keys, so that records and patches touch the same fields often. */
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

/**
 * A base record (or none) and a sequence of changes valid for it: a create only while the record is
 * absent, an update or a delete only while it exists.
 */
const recordWithChanges = fc
  .tuple(
    fc.option(jsonObject, { nil: null }),
    fc.array(fc.record({ deletes: fc.integer({ min: 0, max: 3 }).map((n) => n === 0), data: jsonObject }), {
      maxLength: 8,
    }),
  )
  .map(([base, steps]) => {
    const changes: Change[] = []
    let exists = base !== null
    for (const step of steps) {
      if (!exists) changes.push(create(step.data))
      else changes.push(step.deletes ? remove : update(step.data))
      exists = changes[changes.length - 1]!.kind !== 'delete'
    }
    return { base, changes }
  })

/**
 * Merges each change into the one before it where `coalesce` allows, as the outbox does with unsent
 * operations; `serverHasRecord` says whether the confirmed record (the base) exists.
 */
function coalesceAll(changes: readonly Change[], serverHasRecord: boolean): Change[] {
  const out: Change[] = []
  for (const change of changes) {
    const last = out[out.length - 1]
    const merged = last && coalesce(last, change, serverHasRecord)
    if (merged === undefined || last === undefined) out.push(change)
    else if (merged === null) out.pop()
    else out[out.length - 1] = merged
  }
  return out
}

describe('applyChange', () => {
  it('create: the record becomes the created data', () => {
    expect(applyChange(null, create({ id: 'a', title: 'x' }))).toEqual({ id: 'a', title: 'x' })
  })

  it('update: merges the changed fields into the record as a JSON merge patch', () => {
    const record = { id: 'a', title: 'x', note: 'n', meta: { color: 'red', size: 1 } }

    expect(applyChange(record, update({ title: 'y', note: null, meta: { size: 2 } }))).toEqual({
      id: 'a',
      title: 'y',
      meta: { color: 'red', size: 2 },
    })
    expect(record).toEqual({ id: 'a', title: 'x', note: 'n', meta: { color: 'red', size: 1 } })
  })

  it('update of a missing record: it stays missing', () => {
    expect(applyChange(null, update({ title: 'y' }))).toBeNull()
  })

  it('update without data: the record keeps its fields', () => {
    expect(applyChange({ id: 'a', title: 'x' }, { kind: 'update', data: null })).toEqual({ id: 'a', title: 'x' })
  })

  it('delete: the record is gone, whether it existed or not', () => {
    expect(applyChange({ id: 'a' }, remove)).toBeNull()
    expect(applyChange(null, remove)).toBeNull()
  })
})

describe('replay', () => {
  it('returns the base itself when there are no changes', () => {
    const base = { id: 'a', title: 'x' }

    expect(replay(base, [])).toBe(base)
    expect(replay(null, [])).toBeNull()
  })

  it('applies the changes in order on top of the base', () => {
    expect(
      replay({ id: 'a', title: 'x', done: false }, [update({ title: 'y' }), update({ done: true }), update({ title: 'z' })]),
    ).toEqual({ id: 'a', title: 'z', done: true })
  })

  it('follows a record through create, update, delete and create again', () => {
    const changes = [create({ id: 'a', title: 'x' }), update({ title: 'y' }), remove, create({ id: 'a', title: 'new' })]

    expect(replay(null, changes)).toEqual({ id: 'a', title: 'new' })
    expect(replay(null, changes.slice(0, 2))).toEqual({ id: 'a', title: 'y' })
    expect(replay(null, changes.slice(0, 3))).toBeNull()
  })
})

describe('coalesce', () => {
  it('create + update → one create with the update merged into its data', () => {
    expect(coalesce(create({ id: 'a', title: 'x', note: 'n' }), update({ title: 'y', note: null, done: true }))).toEqual({
      kind: 'create',
      data: { id: 'a', title: 'y', done: true },
    })
  })

  it('create + delete → null: nothing is sent, when the server has no such record', () => {
    expect(coalesce(create({ id: 'a' }), remove)).toBeNull()
    expect(coalesce(create({ id: 'a' }), remove, false)).toBeNull()
  })

  it('create + delete → delete when the server has the record (a create on a record the server kept)', () => {
    expect(coalesce(create({ id: 'a' }), remove, true)).toEqual({ kind: 'delete', data: null })
  })

  it('update + update where the first sets a field to a scalar and the second to an object → undefined', () => {
    expect(coalesce(update({ meta: 1 }), update({ meta: { a: 1 } }))).toBeUndefined()
  })

  it('update + update → one update with both patches composed', () => {
    expect(coalesce(update({ title: 'y', meta: { a: 1 } }), update({ done: true, meta: { b: null } }))).toEqual({
      kind: 'update',
      data: { title: 'y', meta: { a: 1, b: null }, done: true },
    })
  })

  it('update + delete → delete', () => {
    expect(coalesce(update({ title: 'y' }), remove)).toEqual({ kind: 'delete', data: null })
  })

  it('update + update that no single patch can express → undefined: they stay apart', () => {
    expect(coalesce(update({ meta: null }), update({ meta: { a: 1 } }))).toBeUndefined()
  })

  it.each<[string, Change, Change]>([
    ['delete + create', remove, create({ id: 'a' })],
    ['create + create', create({ id: 'a' }), create({ id: 'a', title: 'x' })],
    ['update + create', update({ title: 'y' }), create({ id: 'a' })],
    ['delete + update', remove, update({ title: 'y' })],
    ['delete + delete', remove, remove],
  ])('%s → undefined: they stay apart', (_, first, second) => {
    expect(coalesce(first, second)).toBeUndefined()
  })

  it('leaves both changes as they were', () => {
    const first = update({ meta: { a: 1 } })
    const second = update({ meta: { b: 2 } })
    coalesce(first, second)

    expect(first).toEqual(update({ meta: { a: 1 } }))
    expect(second).toEqual(update({ meta: { b: 2 } }))
  })

  it('coalescing where it is defined and replaying gives the same record as replaying every change (property)', () => {
    fc.assert(
      fc.property(recordWithChanges, ({ base, changes }) => {
        expect(replay(base, coalesceAll(changes, base !== null))).toEqual(replay(base, changes))
      }),
      { numRuns: 1000 },
    )
  })
})
