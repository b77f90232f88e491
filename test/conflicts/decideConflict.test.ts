import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decideConflict } from '../../src/conflicts/decideConflict'
import { lastWriteWins } from '../../src/conflicts/lastWriteWins'
import { mergeFields } from '../../src/conflicts/mergeFields'
import { maxValue, mergeAsSet, sumCounters } from '../../src/conflicts/resolvers'
import type { ConflictContext, ConflictStrategy } from '../../src/conflicts/types'
import type { OperationKind } from '../../src/core/types'
import type { Operation } from '../../src/types'
import { decideConflictBefore, type StrategyBefore } from './support/decideConflictBefore'

type Rec = Record<string, unknown>
type Sides = Omit<ConflictContext, 'versionField'>

const options = { versionField: 'version' }

function operation(kind: OperationKind, data: Rec | null, enqueuedAt = 2_000): Operation {
  return {
    id: 'op-1',
    seq: 1,
    entity: 'items',
    recordId: 'a',
    kind,
    data,
    baseVersion: 1,
    enqueuedAt,
    attempts: 1,
    nextAttemptAt: null,
    status: 'inflight',
    lastError: null,
    priority: 0,
    userId: null,
  }
}

const base = { id: 'a', title: 'Rope', done: false, quantity: 10, version: 1, updatedAt: 1_000 }
/** The local side changed the title, the remote side `done`: the classic conflict that merges cleanly. */
const apart: Sides = {
  base,
  local: { ...base, title: 'Mine' },
  remote: { ...base, done: true, version: 2, updatedAt: 1_500 },
  op: operation('update', { title: 'Mine' }),
}
/** Both sides changed the title. */
const clash: Sides = {
  base,
  local: { ...base, title: 'Mine', quantity: 8 },
  remote: { ...base, title: 'Theirs', quantity: 7, version: 2, updatedAt: 1_500 },
  op: operation('update', { title: 'Mine', quantity: 8 }),
}

describe('the built-in strategies', () => {
  it("server-wins drops the change, client-wins sends it again on the remote record, manual parks it; all list the fields that differ", () => {
    expect(decideConflict('server-wins', apart, options)).toEqual({ resolution: 'server-wins', fields: ['title', 'done', 'version', 'updatedAt'] })
    expect(decideConflict('client-wins', apart, options)).toEqual({
      resolution: 'client-wins',
      change: { kind: 'update', data: { title: 'Mine' } },
      fields: ['title', 'done', 'version', 'updatedAt'],
    })
    expect(decideConflict('manual', clash, options)).toEqual({ resolution: 'manual', fields: ['title', 'quantity', 'version', 'updatedAt'] })
  })
})

describe('a resolver', () => {
  it("is given the entity's version field with the conflict", () => {
    const seen: ConflictContext[] = []
    decideConflict((context) => (seen.push(context), 'manual'), apart, { versionField: 'rev' })
    expect(seen).toEqual([{ ...apart, versionField: 'rev' }])
  })

  it('may name the fields the conflict is about; without them, the fields that differ are listed', () => {
    expect(decideConflict(() => ({ manual: true, fields: ['title'] }), clash, options)).toEqual({ resolution: 'manual', fields: ['title'] })
    expect(decideConflict(() => ({ manual: true }), clash, options)).toEqual({ resolution: 'manual', fields: ['title', 'quantity', 'version', 'updatedAt'] })
    expect(decideConflict(() => ({ choose: 'remote', fields: [] }), clash, options)).toEqual({ resolution: 'server-wins', fields: [] })
    expect(decideConflict(() => ({ choose: 'local', fields: ['title'] }), clash, options)).toMatchObject({ resolution: 'client-wins', fields: ['title'] })
    expect(decideConflict(() => ({ merged: clash.remote, fields: ['x'] }), clash, options)).toEqual({ resolution: 'merged', change: null, fields: ['x'] })
  })
})

describe('lastWriteWins', () => {
  it('sends the local change when it was made after the remote updated-at, else keeps the server record', () => {
    expect(decideConflict(lastWriteWins(), { ...clash, op: operation('update', { title: 'Mine' }, 1_501) }, options)).toMatchObject({
      resolution: 'client-wins',
      change: { kind: 'update', data: { title: 'Mine' } },
    })
    expect(decideConflict(lastWriteWins(), { ...clash, op: operation('update', { title: 'Mine' }, 1_500) }, options)).toMatchObject({ resolution: 'server-wins' })
  })

  it('reads ISO 8601 times and the field it is told; a remote record without one, or deleted, wins', () => {
    const remote = { ...clash.remote, modifiedAt: '1970-01-01T00:00:01.000Z' }
    expect(decideConflict(lastWriteWins({ updatedAtField: 'modifiedAt' }), { ...clash, remote }, options)).toMatchObject({ resolution: 'client-wins' })
    expect(decideConflict(lastWriteWins({ updatedAtField: 'missing' }), clash, options)).toMatchObject({ resolution: 'server-wins' })
    expect(decideConflict(lastWriteWins(), { ...clash, remote: null }, options)).toEqual({ resolution: 'server-wins', fields: [] })
  })

  it('throws a sentence that says what to do for an updatedAtField that is not a field name', () => {
    // @ts-expect-error: a field name is a string.
    expect(() => lastWriteWins({ updatedAtField: 3 })).toThrow("rtk-offline: lastWriteWins's `updatedAtField` must be a field name (a non-empty string), not 3.")
  })
})

describe('mergeFields', () => {
  it('merges fields changed on one side only, on top of the remote version, and lists no fields', () => {
    expect(decideConflict(mergeFields(), apart, options)).toEqual({
      resolution: 'merged',
      change: { kind: 'update', data: { title: 'Mine' } },
      fields: [],
    })
  })

  it('parks a field both sides changed, naming only the fields left open, unless a field merger or the fallback settles it', () => {
    expect(decideConflict(mergeFields(), clash, options)).toEqual({ resolution: 'manual', fields: ['title', 'quantity'] })
    expect(decideConflict(mergeFields({ fields: { quantity: sumCounters() } }), clash, options)).toEqual({ resolution: 'manual', fields: ['title'] })
    expect(decideConflict(mergeFields({ fields: { quantity: sumCounters() }, fallback: 'client-wins' }), clash, options)).toEqual({
      resolution: 'merged',
      change: { kind: 'update', data: { title: 'Mine', quantity: 5 } },
      fields: [],
    })
  })

  it("keeps the remote version even when the local record says otherwise: the version is the server's", () => {
    const local = { ...clash.local, version: 7 }
    expect(decideConflict(mergeFields({ fallback: 'client-wins' }), { ...clash, local }, options)).toEqual({
      resolution: 'merged',
      change: { kind: 'update', data: { title: 'Mine', quantity: 8 } },
      fields: [],
    })
  })

  it('lets the fallback decide a record deleted on one side', () => {
    const deleted: Sides = { ...clash, remote: null }
    expect(decideConflict(mergeFields(), deleted, options)).toEqual({ resolution: 'manual', fields: [] })
    expect(decideConflict(mergeFields({ fallback: 'client-wins' }), deleted, options)).toMatchObject({ resolution: 'client-wins', change: { kind: 'create' } })
    expect(decideConflict(mergeFields({ fallback: 'server-wins' }), deleted, options)).toEqual({ resolution: 'server-wins', fields: [] })
    expect(decideConflict(mergeFields({ fallback: 'last-write-wins' }), deleted, options)).toEqual({ resolution: 'server-wins', fields: [] })
    const deletedHere: Sides = { ...clash, local: null, op: operation('delete', null, 1_501) }
    expect(decideConflict(mergeFields({ fallback: 'last-write-wins' }), deletedHere, options)).toMatchObject({
      resolution: 'client-wins',
      change: { kind: 'delete', data: null },
    })
  })

  it('throws sentences that say what to do for a fallback or updatedAtField it does not know', () => {
    // @ts-expect-error: not a fallback.
    expect(() => mergeFields({ fallback: 'remote' })).toThrow(
      "rtk-offline: mergeFields's `fallback` must be one of 'manual', 'server-wins', 'client-wins', 'last-write-wins', not \"remote\".",
    )
    expect(() => mergeFields({ updatedAtField: '' })).toThrow("rtk-offline: mergeFields's `updatedAtField` must be a field name (a non-empty string), not \"\".")
  })
})

describe('the opt-in strategies decide every conflict exactly as the named strategies they replace', () => {
  const pairs: Array<[string, StrategyBefore, ConflictStrategy]> = [
    ["'last-write-wins'", 'last-write-wins', lastWriteWins()],
    ['last-write-wins by modifiedAt', { strategy: 'last-write-wins', updatedAtField: 'modifiedAt' }, lastWriteWins({ updatedAtField: 'modifiedAt' })],
    ["'merge'", 'merge', mergeFields()],
    ...(['manual', 'server-wins', 'client-wins', 'last-write-wins'] as const).map((fallback): [string, StrategyBefore, ConflictStrategy] => [
      `merge with fallback ${fallback}`,
      { strategy: 'merge', fallback, fields: { qty: sumCounters(), tags: mergeAsSet() } },
      mergeFields({ fallback, fields: { qty: sumCounters(), tags: mergeAsSet() } }),
    ]),
    [
      'merge by modifiedAt with maxValue',
      { strategy: 'merge', fallback: 'last-write-wins', updatedAtField: 'modifiedAt', fields: { title: maxValue() } },
      mergeFields({ fallback: 'last-write-wins', updatedAtField: 'modifiedAt', fields: { title: maxValue() } }),
    ],
  ]

  // Small domains so both sides often touch the same fields, with nested objects, arrays, counters and times.
  const value = fc.oneof(
    fc.constantFrom('a', 'b', 1, 2, true, null),
    fc.array(fc.constantFrom('x', 'y', 'z'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('p', 'q'), fc.constantFrom(1, 2, 'r')),
  )
  const record = fc.record(
    {
      title: value,
      qty: fc.integer({ min: 0, max: 3 }),
      tags: fc.array(fc.constantFrom('x', 'y', 'z'), { maxLength: 3 }),
      nested: value,
      version: fc.integer({ min: 1, max: 3 }),
      updatedAt: fc.oneof(fc.integer({ min: 900, max: 1_100 }), fc.constant('1970-01-01T00:00:01.000Z'), fc.constant('not a time')),
      modifiedAt: fc.integer({ min: 900, max: 1_100 }),
    },
    { requiredKeys: [] },
  )
  const sides = fc
    .record({
      base: fc.option(record, { nil: null }),
      local: fc.option(record, { nil: null }),
      remote: fc.option(record, { nil: null }),
      kind: fc.constantFrom<OperationKind>('create', 'update', 'delete'),
      enqueuedAt: fc.integer({ min: 900, max: 1_100 }),
    })
    .map(({ base, local, remote, kind, enqueuedAt }): Sides => {
      const opKind = local === null ? 'delete' : kind === 'delete' ? 'update' : kind
      return { base, local, remote, op: operation(opKind, opKind === 'delete' ? null : local, enqueuedAt) }
    })

  it.each(pairs)('%s', (_, before, after) => {
    fc.assert(
      fc.property(sides, (context) => {
        expect(decideConflict(after, context, options)).toEqual(decideConflictBefore(before, context, options))
      }),
      { numRuns: 500 },
    )
  })
})
