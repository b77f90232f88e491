import { createNextState } from '@reduxjs/toolkit'
import { describe, expect, it } from 'vitest'
import { idPath, seqPath, trieDelete, trieEach, trieGet, trieSet, trieValues, type Trie } from '../../src/core/trie'

/** A small seeded generator (mulberry32), so "random order" is the same on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function shuffled<T>(values: readonly T[], random: () => number): T[] {
  const out = [...values]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)

/** The first id of the form `id-<n>` whose path shares the top and middle level with `path`. */
function neighbourOf(path: readonly [string, string, string]): string {
  for (let n = 0; ; n++) {
    const [top, mid] = idPath(`id-${n}`)
    if (top === path[0] && mid === path[1] && `id-${n}` !== path[2]) return `id-${n}`
  }
}

describe('seqPath', () => {
  it('puts 32 seqs in a leaf and 1024 under a top-level key', () => {
    expect(seqPath(0)).toEqual(['0', '0', '0'])
    expect(seqPath(31)).toEqual(['0', '0', '31'])
    expect(seqPath(32)).toEqual(['0', '1', '32'])
    expect(seqPath(1023)).toEqual(['0', '31', '1023'])
    expect(seqPath(1024)).toEqual(['1', '0', '1024'])
    expect(seqPath(5000)).toEqual(['4', '28', '5000'])
  })

  it('yields values in ascending seq order across bucket boundaries, whatever the insertion order', () => {
    const seqs = range(0, 5000)
    const trie: Trie<number> = {}
    for (const seq of shuffled(seqs, seededRandom(7))) trieSet(trie, seqPath(seq), seq)

    expect(trieValues(trie)).toEqual(seqs)
    const walked: number[] = []
    trieEach(trie, (seq) => void walked.push(seq))
    expect(walked).toEqual(seqs)
  })

  it('keeps numeric order on the unbounded top level (10 after 9, 100 after 10)', () => {
    const seqs = [5, 9 * 1024, 10 * 1024 + 3, 100 * 1024 + 1, 1_000_000]
    const trie: Trie<number> = {}
    for (const seq of [...seqs].reverse()) trieSet(trie, seqPath(seq), seq)

    expect(trieValues(trie)).toEqual(seqs)
  })

  it('gets each value back by its seq and nothing for a seq never set', () => {
    const trie: Trie<string> = {}
    for (const seq of range(0, 2100)) trieSet(trie, seqPath(seq), `op-${seq}`)

    expect(trieGet(trie, seqPath(0))).toBe('op-0')
    expect(trieGet(trie, seqPath(1055))).toBe('op-1055')
    expect(trieGet(trie, seqPath(2100))).toBe('op-2100')
    expect(trieGet(trie, seqPath(2101))).toBeUndefined() // same leaf, missing key
    expect(trieGet(trie, seqPath(2150))).toBeUndefined() // missing middle node
    expect(trieGet(trie, seqPath(9000))).toBeUndefined() // missing top node
  })

  it('replaces the value stored under a seq', () => {
    const trie: Trie<string> = {}
    trieSet(trie, seqPath(40), 'first')
    trieSet(trie, seqPath(40), 'second')

    expect(trie).toEqual({ '0': { '1': { '40': 'second' } } })
  })
})

describe('idPath', () => {
  it('is two hash levels in 0..31 and then a leaf key of its own for each id', () => {
    const ids = ['a', 'todo-1', '', 'ünïcødé', '#a', 0, 42, -7, 3.5]
    for (const id of ids) {
      const [top, mid] = idPath(id)
      expect(range(0, 31).map(String)).toContain(top)
      expect(range(0, 31).map(String)).toContain(mid)
    }
    expect(new Set(ids.map((id) => idPath(id).join('/'))).size).toBe(ids.length)
  })

  it('gives the same path to the same id every time', () => {
    expect(idPath('todo-1')).toEqual(idPath('todo-1'))
    expect(idPath(42)).toEqual(idPath(42))
  })

  it('gives a number id the path of its string form, as RTK entity state keys them alike', () => {
    expect(idPath(42)).toEqual(idPath('42'))
  })

  it('gets every one of many string and number ids back, with several ids sharing a leaf', () => {
    const stringIds = range(0, 1999).map((n) => `todo-${n}`)
    const numberIds = range(100_000, 101_999)
    const trie: Trie<{ id: string | number }> = {}
    for (const id of [...stringIds, ...numberIds]) trieSet(trie, idPath(id), { id })

    for (const id of [...stringIds, ...numberIds]) expect(trieGet(trie, idPath(id))).toEqual({ id })
    expect(trieValues(trie)).toHaveLength(4000)
    // 4000 ids over 1024 leaves: some leaves hold more than one id, which is fine.
    const leafSizes = Object.values(trie).flatMap((middle) => Object.values(middle).map((leaves) => Object.keys(leaves).length))
    expect(Math.max(...leafSizes)).toBeGreaterThan(1)
    // The hash spreads the ids over every top-level bucket.
    expect(Object.keys(trie)).toHaveLength(32)
  })

  // Record ids are user data; a string id may well be "constructor". The leaf is a plain object, so a
  // lookup must not fall through to Object.prototype.
  it.each(['constructor', 'toString', 'hasOwnProperty', '__proto__'])(
    'treats the id %j like any other id, even when its leaf holds another id',
    (id) => {
      const path = idPath(id)
      const neighbour = neighbourOf(path)
      const trie: Trie<{ id: string }> = {}
      trieSet(trie, idPath(neighbour), { id: neighbour })

      expect(trieGet(trie, path)).toBeUndefined()

      trieSet(trie, path, { id })
      expect(trieGet(trie, path)).toEqual({ id })
      expect(trieValues(trie)).toContainEqual({ id })
      expect(trieValues(trie)).toHaveLength(2)

      trieDelete(trie, path)
      expect(trieGet(trie, path)).toBeUndefined()
      expect(trieValues(trie)).toEqual([{ id: neighbour }])
      trieDelete(trie, idPath(neighbour))
      expect(trie).toEqual({})
    },
  )
})

describe('trieDelete', () => {
  it('removes one value and keeps its leaf neighbours', () => {
    const trie: Trie<number> = {}
    trieSet(trie, seqPath(1), 1)
    trieSet(trie, seqPath(2), 2)
    trieDelete(trie, seqPath(1))

    expect(trie).toEqual({ '0': { '0': { '2': 2 } } })
  })

  it('prunes the leaf and the middle node once they are empty', () => {
    const trie: Trie<number> = {}
    trieSet(trie, seqPath(1), 1)
    trieSet(trie, seqPath(40), 40)
    trieSet(trie, seqPath(2000), 2000)

    trieDelete(trie, seqPath(40))
    expect(trie).toEqual({ '0': { '0': { '1': 1 } }, '1': { '30': { '2000': 2000 } } })
    trieDelete(trie, seqPath(2000))
    expect(trie).toEqual({ '0': { '0': { '1': 1 } } })
  })

  it('leaves an empty trie ({}) after deleting every value, in random order', () => {
    const seqs = range(0, 5000)
    const trie: Trie<number> = {}
    for (const seq of seqs) trieSet(trie, seqPath(seq), seq)
    for (const seq of shuffled(seqs, seededRandom(11))) trieDelete(trie, seqPath(seq))

    expect(trie).toEqual({})
  })

  it('leaves an empty trie after deleting many ids', () => {
    const ids = [...range(0, 999).map((n) => `todo-${n}`), ...range(0, 999)]
    const trie: Trie<boolean> = {}
    for (const id of ids) trieSet(trie, idPath(id), true)
    for (const id of shuffled(ids, seededRandom(3))) trieDelete(trie, idPath(id))

    expect(trie).toEqual({})
  })

  it('does nothing, and creates no empty nodes, for a path that holds no value', () => {
    const trie: Trie<number> = {}
    trieSet(trie, seqPath(1), 1)
    trieDelete(trie, seqPath(2)) // same leaf
    trieDelete(trie, seqPath(100)) // other middle node
    trieDelete(trie, seqPath(5000)) // other top node

    expect(trie).toEqual({ '0': { '0': { '1': 1 } } })
  })

  it('deletes a value stored as undefined', () => {
    const trie: Trie<number | undefined> = {}
    trieSet(trie, seqPath(1), undefined)
    trieDelete(trie, seqPath(1))

    expect(trie).toEqual({})
  })
})

describe('trieEach', () => {
  it('stops at the first value for which visit returns false', () => {
    const trie: Trie<number> = {}
    for (const seq of range(0, 100)) trieSet(trie, seqPath(seq), seq)
    const visited: number[] = []
    trieEach(trie, (seq) => {
      visited.push(seq)
      return seq < 40 // false for 40: it is the last one visited, across a leaf boundary
    })

    expect(visited).toEqual(range(0, 40))
  })

  it('goes on when visit returns true or nothing', () => {
    const trie: Trie<number> = {}
    for (const seq of [3, 2, 1]) trieSet(trie, seqPath(seq), seq)
    const visited: number[] = []
    trieEach(trie, (seq) => {
      visited.push(seq)
      if (seq === 1) return true
    })

    expect(visited).toEqual([1, 2, 3])
  })

  it('visits nothing in an empty trie', () => {
    const visited: unknown[] = []
    trieEach({}, (value) => void visited.push(value))

    expect(visited).toEqual([])
  })
})

describe('inside immer', () => {
  function frozenTrie(): Trie<{ seq: number }> {
    return createNextState({} as Trie<{ seq: number }>, (draft) => {
      for (const seq of range(0, 5000)) trieSet(draft, seqPath(seq), { seq })
    })
  }

  it('sets a value and shares every untouched node with the previous state', () => {
    const before = frozenTrie()
    const after = createNextState(before, (draft) => {
      trieSet(draft, seqPath(2000), { seq: -1 })
    })

    expect(trieGet(after, seqPath(2000))).toEqual({ seq: -1 })
    expect(trieGet(before, seqPath(2000))).toEqual({ seq: 2000 })
    expect(after).not.toBe(before)
    // 2000 lives under top '1', middle '30'.
    expect(after['1']).not.toBe(before['1'])
    expect(after['1']!['30']).not.toBe(before['1']!['30'])
    for (const top of ['0', '2', '3', '4']) expect(after[top]).toBe(before[top])
    for (const mid of range(0, 31).map(String).filter((mid) => mid !== '30'))
      expect(after['1']![mid]).toBe(before['1']![mid])
    expect(after['1']!['30']!['2001']).toBe(before['1']!['30']!['2001'])
  })

  it('deletes a value, prunes only what became empty and shares the rest', () => {
    const before = createNextState({} as Trie<number>, (draft) => {
      trieSet(draft, seqPath(1), 1)
      trieSet(draft, seqPath(2000), 2000)
      trieSet(draft, seqPath(4000), 4000)
    })
    const after = createNextState(before, (draft) => {
      trieDelete(draft, seqPath(2000))
    })

    expect(after).toEqual({ '0': { '0': { '1': 1 } }, '3': { '29': { '4000': 4000 } } })
    expect(after['0']).toBe(before['0'])
    expect(after['3']).toBe(before['3'])
    expect(before).toEqual({ '0': { '0': { '1': 1 } }, '1': { '30': { '2000': 2000 } }, '3': { '29': { '4000': 4000 } } })
  })

  it('reads, walks and updates values through a draft', () => {
    const before = createNextState({} as Trie<{ id: string; done: boolean }>, (draft) => {
      for (const id of ['a', 'b', 'c']) trieSet(draft, idPath(id), { id, done: false })
    })
    const after = createNextState(before, (draft) => {
      trieGet(draft, idPath('b'))!.done = true
      trieEach(draft, (todo) => {
        if (todo.id === 'c') todo.done = true
      })
    })

    expect(trieValues(after).sort((x, y) => x.id.localeCompare(y.id))).toEqual([
      { id: 'a', done: false },
      { id: 'b', done: true },
      { id: 'c', done: true },
    ])
    expect(trieGet(after, idPath('a'))).toBe(trieGet(before, idPath('a')))
    expect(trieValues(before).every((todo) => !todo.done)).toBe(true)
  })

  it('returns the same state when nothing changes', () => {
    const before = frozenTrie()
    const after = createNextState(before, (draft) => {
      trieDelete(draft, seqPath(9999))
      trieEach(draft, () => false)
    })

    expect(after).toBe(before)
  })
})
