import type { StandardSchemaV1 } from '@standard-schema/spec'
import { describe, expect, it } from 'vitest'
import { SyncValidationError } from '../../src/core/errors'
import { assertSerializable, isValidId, validateWithSchema } from '../../src/middleware/validation'

/** Runs `action`, which must throw, and returns what it threw. */
function thrownBy(action: () => unknown): unknown {
  try {
    action()
  } catch (error) {
    return error
  }
  throw new Error('expected a throw, but nothing was thrown')
}

const advice = 'which is not serialisable; store plain JSON data (ISO 8601 strings or epoch milliseconds for dates).'

class Point {
  constructor(
    public x: number,
    public y: number,
  ) {}
}

interface Todo {
  id: string
  title: string
}

/** A hand-written Standard Schema v1 for todos that trims the title. */
const todoSchema: StandardSchemaV1<unknown, Todo> = {
  '~standard': {
    version: 1,
    vendor: 'test',
    validate(value) {
      const record = value as Partial<Record<keyof Todo, unknown>>
      const issues: StandardSchemaV1.Issue[] = []
      if (typeof record.id !== 'string') issues.push({ message: 'must be a string', path: ['id'] })
      if (typeof record.title !== 'string') issues.push({ message: 'must be a string', path: [{ key: 'title' }] })
      if (issues.length > 0) return { issues }
      return { value: { id: record.id as string, title: (record.title as string).trim() } }
    },
  },
}

describe('assertSerializable', () => {
  it('accepts plain JSON data: strings, finite numbers, booleans, null, arrays and plain objects, nested', () => {
    const record = {
      id: 'a',
      title: 'Buy milk',
      count: -1.5,
      done: false,
      note: null,
      tags: ['x', 1, true, null, { deep: [[]] }],
      meta: { due: '2024-05-01T10:00:00.000Z', at: 1_714_557_600_000, nested: { empty: {} } },
    }

    expect(() => assertSerializable('todos', 'a', record, 'the record')).not.toThrow()
    expect(() => assertSerializable('todos', 'a', { title: null }, 'the changes')).not.toThrow()
  })

  it.each<[string, unknown, string, string]>([
    ['a function', { onClick: () => {} }, 'onClick', '[object Function]'],
    ['a Date', { due: new Date(0) }, 'due', '[object Date]'],
    ['a Map', { byId: new Map() }, 'byId', '[object Map]'],
    ['a Set', { tags: new Set(['x']) }, 'tags', '[object Set]'],
    ['a class instance', { at: new Point(1, 2) }, 'at', '[object Object]'],
    ['undefined', { title: undefined }, 'title', 'undefined (use null to clear a field)'],
    ['NaN', { count: Number.NaN }, 'count', 'NaN'],
    ['Infinity', { count: Infinity }, 'count', 'Infinity'],
    ['-Infinity', { count: -Infinity }, 'count', '-Infinity'],
    ['a nested Date', { meta: { dates: ['x', new Date(0)] } }, 'meta.dates.1', '[object Date]'],
  ])('rejects %s, naming the entity, the id and the path', (_, value, path, shown) => {
    const error = thrownBy(() => assertSerializable('todos', 'a', value, 'the record'))

    expect(error).toBeInstanceOf(SyncValidationError)
    expect(error).toMatchObject({
      name: 'SyncValidationError',
      code: 'validation-failed',
      entity: 'todos',
      recordId: 'a',
      message: `rtk-offline: "todos" record "a": the record at "${path}" holds ${shown}, ${advice}`,
    })
  })

  it('names a number id as a number and leaves the id out when there is none', () => {
    expect(() => assertSerializable('todos', 7, { due: new Date(0) }, 'the changes')).toThrowError(
      `rtk-offline: "todos" record 7: the changes at "due" holds [object Date], ${advice}`,
    )
    expect(() => assertSerializable('todos', undefined, { due: new Date(0) }, 'the changes')).toThrowError(
      `rtk-offline: "todos": the changes at "due" holds [object Date], ${advice}`,
    )
  })

  // When the value itself is the problem there is no path to name: "the changes holds …", not
  // `the changes at "<root>" holds …` (RTK's findNonSerializableValue reports the root as "<root>").
  it.each<[string, unknown, string]>([
    ['undefined', undefined, 'undefined (use null to clear a field)'],
    ['a Date', new Date(0), '[object Date]'],
    ['NaN', Number.NaN, 'NaN'],
  ])('rejects %s given as the whole value without naming a path', (_, value, shown) => {
    expect(() => assertSerializable('todos', 'a', value, 'the changes')).toThrowError(
      `rtk-offline: "todos" record "a": the changes holds ${shown}, ${advice}`,
    )
  })

  it('rejects a circular reference', () => {
    const record: Record<string, unknown> = { id: 'a' }
    record.self = record
    const error = thrownBy(() => assertSerializable('todos', 'a', record, 'the record'))

    expect(error).toBeInstanceOf(SyncValidationError)
    expect((error as SyncValidationError).message).toBe(
      `rtk-offline: "todos" record "a": the record at "self" holds [object Object], ${advice}`,
    )
  })
})

describe('isValidId', () => {
  it.each<[unknown, boolean]>([
    ['a', true],
    ['0', true],
    [0, true],
    [-3, true],
    [1.5, true],
    ['', false],
    [Number.NaN, false],
    [Infinity, false],
    [-Infinity, false],
    [null, false],
    [undefined, false],
    [true, false],
    [{}, false],
    [['a'], false],
    [10n, false],
  ])('%o → %s', (id, valid) => {
    expect(isValidId(id)).toBe(valid)
  })
})

describe('validateWithSchema', () => {
  it("returns the schema's output, which may differ from its input", () => {
    expect(validateWithSchema('todos', 'a', todoSchema, { id: 'a', title: '  Buy milk  ' })).toEqual({
      id: 'a',
      title: 'Buy milk',
    })
  })

  it('throws a SyncValidationError listing every issue with its path, and keeps the issues', () => {
    const error = thrownBy(() => validateWithSchema('todos', 'a', todoSchema, { id: 1, title: 2 }))

    expect(error).toBeInstanceOf(SyncValidationError)
    expect(error).toMatchObject({
      name: 'SyncValidationError',
      code: 'validation-failed',
      entity: 'todos',
      recordId: 'a',
      message: 'rtk-offline: "todos" record "a": failed validation: id: must be a string; title: must be a string.',
      issues: [
        { message: 'must be a string', path: ['id'] },
        { message: 'must be a string', path: [{ key: 'title' }] },
      ],
    })
  })

  it('joins nested path segments with dots and shows an issue without a path by its message alone', () => {
    const schema: StandardSchemaV1<unknown, unknown> = {
      '~standard': {
        version: 1,
        vendor: 'test',
        validate: () => ({
          issues: [
            { message: 'too long', path: ['tags', 2, { key: 'label' }] },
            { message: 'is not a todo' },
            { message: 'empty path', path: [] },
          ],
        }),
      },
    }

    expect(() => validateWithSchema('todos', undefined, schema, {})).toThrowError(
      'rtk-offline: "todos": failed validation: tags.2.label: too long; is not a todo; empty path.',
    )
  })

  it('rejects a schema that validates asynchronously, saying to use a synchronous one', () => {
    const asyncSchema: StandardSchemaV1<unknown, Todo> = {
      '~standard': {
        version: 1,
        vendor: 'test',
        validate: async (value) => ({ value: value as Todo }),
      },
    }
    const error = thrownBy(() => validateWithSchema('todos', 'a', asyncSchema, { id: 'a', title: 'x' }))

    expect(error).toBeInstanceOf(SyncValidationError)
    expect(error).toMatchObject({
      code: 'validation-failed',
      message:
        'rtk-offline: "todos" record "a": its schema validates asynchronously; rtk-offline validates inside dispatch, so use a synchronous schema.',
    })
  })

  it('also rejects a schema that returns a non-native thenable, and swallows its later rejection', () => {
    let onRejected: ((reason: unknown) => void) | undefined
    const thenable = {
      then(_: unknown, reject?: (reason: unknown) => void) {
        onRejected = reject
      },
    }
    const thenableSchema = {
      '~standard': { version: 1, vendor: 'test', validate: () => thenable },
    } as unknown as StandardSchemaV1<unknown, Todo>
    const error = thrownBy(() => validateWithSchema('todos', 'a', thenableSchema, { id: 'a', title: 'x' }))
    expect(error).toMatchObject({ code: 'validation-failed', message: expect.stringContaining('validates asynchronously') })
    return Promise.resolve().then(() => {
      expect(typeof onRejected).toBe('function')
      onRejected!(new Error('late'))
    })
  })
})
