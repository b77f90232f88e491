import { afterEach, describe, expect, it } from 'vitest'
import { SyncSetupError } from '../../src'
import { createMockBackend } from '../../src/msw'
import { useMswServer } from '../support/mswServer'

const numbered = createMockBackend({ baseUrl: 'http://localhost/numbered', assignIds: true, now: () => 1 })
const chosen = createMockBackend({
  baseUrl: 'http://localhost/chosen',
  assignIds: (entity, record) => (entity === 'lists' ? `list-${String(record.name)}` : undefined),
  now: () => 1,
})
const listed = createMockBackend({ baseUrl: 'http://localhost/listed', assignIds: ['lists'], now: () => 1 })
useMswServer(...numbered.handlers, ...chosen.handlers, ...listed.handlers)
afterEach(() => {
  numbered.reset()
  chosen.reset()
  listed.reset()
})

async function post(base: string, path: string, body: unknown, key: string) {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key },
    body: JSON.stringify(body),
  })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

describe('createMockBackend({ assignIds })', () => {
  it("numbers each collection's creates, ignores the body's id, and answers a repeated key with the same id", async () => {
    const base = 'http://localhost/numbered'
    expect(await post(base, '/lists', { id: 'tmp-a', name: 'A' }, 'k1')).toMatchObject({ status: 201, body: { id: '1', name: 'A', version: 1 } })
    expect(await post(base, '/lists', { id: 'tmp-b', name: 'B' }, 'k2')).toMatchObject({ status: 201, body: { id: '2' } })
    expect(await post(base, '/items', { id: 'tmp-c', title: 'C' }, 'k3')).toMatchObject({ status: 201, body: { id: '1' } })
    expect(await post(base, '/lists', { id: 'tmp-a', name: 'A' }, 'k1')).toMatchObject({ status: 201, body: { id: '1' } })
    expect(numbered.requests.at(-1)!.replayed).toBe(true)
    expect(numbered.records('lists').map((record) => record.id)).toEqual(['1', '2'])
    // A deleted record's id is not given again.
    numbered.deleteRemote('lists', '2')
    expect(await post(base, '/lists', { id: 'tmp-d', name: 'D' }, 'k4')).toMatchObject({ body: { id: '3' } })
  })

  it('takes the id from a function, or the body\'s when it returns undefined', async () => {
    const base = 'http://localhost/chosen'
    expect(await post(base, '/lists', { id: 'tmp-a', name: 'Food' }, 'k1')).toMatchObject({ body: { id: 'list-Food' } })
    expect(await post(base, '/items', { id: 'mine', title: 'Milk' }, 'k2')).toMatchObject({ body: { id: 'mine' } })
  })

  it('numbers the entities a list names, and keeps the body\'s id for the others', async () => {
    const base = 'http://localhost/listed'
    expect(await post(base, '/lists', { id: 'tmp-a', name: 'A' }, 'k1')).toMatchObject({ status: 201, body: { id: '1' } })
    expect(await post(base, '/items', { id: 'mine', title: 'Milk' }, 'k2')).toMatchObject({ status: 201, body: { id: 'mine' } })
  })

  it('refuses an assignIds that is not true, a list of entity names or a function', () => {
    expect(() => createMockBackend({ baseUrl: 'http://localhost/x', assignIds: 'yes' as unknown as true })).toThrow(SyncSetupError)
    expect(() => createMockBackend({ baseUrl: 'http://localhost/x', assignIds: [1] as unknown as string[] })).toThrow(/list of entity names/)
  })
})
