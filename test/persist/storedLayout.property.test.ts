import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { pulledPage } from '../../src/slices/actions'
import { trieValues } from '../../src/core/trie'
import { freshStorage, loadPage } from '../support/persistedStore'
import { createScriptedAdapter } from '../support/scriptedAdapter'

const ids = ['a', 'b', '7'] as const
type Step =
  | { kind: 'add' | 'update' | 'remove'; id: string; title: string }
  | { kind: 'pull'; id: string; title: string; version: number; gone: boolean }
  | { kind: 'flush' }

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constantFrom('add' as const, 'update' as const, 'remove' as const), id: fc.constantFrom(...ids), title: fc.string({ maxLength: 4 }) }),
  fc.record({ kind: fc.constant('pull' as const), id: fc.constantFrom(...ids), title: fc.string({ maxLength: 4 }), version: fc.integer({ min: 1, max: 9 }), gone: fc.boolean() }),
  fc.record({ kind: fc.constant('flush' as const) }),
)

/** What a reload must give back: the view, each record's shadows, the operations. */
function snapshotOf(page: ReturnType<typeof loadPage>) {
  const state = page.store.getState()
  return {
    // In order: a restore gives the records back in the order the app had them.
    view: page.view(),
    shadows: trieValues(state.todos.pending)
      .map((entry) => ({ id: entry.id, base: entry.base, madeOn: entry.madeOn, changes: entry.changes.length }))
      .sort((x, y) => String(x.id).localeCompare(String(y.id))),
    ops: page.ops().map(({ id, recordId, kind, data }) => ({ id, recordId, kind, data })),
  }
}

describe('the stored record layout', () => {
  it('restores the view, the confirmed shadows and the operations as they were at the last flush, whatever changed between writes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 25 }), async (steps) => {
        const storage = freshStorage()
        const page = loadPage(storage, createScriptedAdapter().adapter, { persist: { throttleMs: 60_000 } })
        await page.persistor.ready
        for (const s of steps) {
          const exists = s.kind !== 'flush' && page.view().some((todo) => todo.id === s.id)
          if (s.kind === 'flush') await page.persistor.flush()
          else if (s.kind === 'add' && !exists) page.store.dispatch(page.todos.actions.added({ id: s.id, title: s.title, done: false }))
          else if (s.kind === 'update' && exists) page.store.dispatch(page.todos.actions.updated({ id: s.id, changes: { title: s.title } }))
          else if (s.kind === 'remove' && exists) page.store.dispatch(page.todos.actions.removed(s.id))
          else if (s.kind === 'pull' && !(s.gone && !exists))
            page.store.dispatch(
              pulledPage({
                entity: 'todos',
                changes: [{ id: s.id, record: s.gone ? null : { id: s.id, title: s.title, done: true, version: s.version } }],
                cursor: null,
                hasMore: false,
                at: 1,
              }),
            )
        }
        await page.persistor.flush()
        const before = snapshotOf(page)
        page.sync.stop()

        const reloaded = loadPage(storage, createScriptedAdapter().adapter)
        await reloaded.persistor.ready
        const after = snapshotOf(reloaded)
        reloaded.sync.stop()
        expect(after).toEqual(before)
      }),
      { numRuns: 60, seed: 9 },
    )
  }, 60_000)
})
