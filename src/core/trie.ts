import type { EntityId } from './types'

/**
 * A map kept as three levels of plain objects, so that changing one entry under immer copies two small
 * nodes and one leaf instead of the whole map.
 *
 * Written by hand because no library fits: redux state must stay plain and serialisable (which rules out
 * persistent-collection libraries such as immutable.js), and a flat `Record` costs a copy of every key
 * per change under immer — measured at 2.3 ms per dispatch with 10,000 entries, against about 15 µs for
 * this shape. The outbox needs dispatch cost independent of its size.
 */
export type Trie<TValue> = Record<string, Record<string, Record<string, TValue>>>

/** Where a value sits: its top node, its middle node and its key among the leaves. */
export type TriePath = readonly [top: string, mid: string, leaf: string]
type Path = TriePath

/**
 * The path of a sequence number. The top level is unbounded and all keys are integers, which JavaScript
 * enumerates in ascending order (for keys below 2^32, so seqs below 2^42): walking the trie yields
 * values in sequence order. Division, not bit shifts, so seqs past 2^31 keep working.
 */
export function seqPath(seq: number): Path {
  return [String(Math.floor(seq / 1024)), String(Math.floor(seq / 32) % 32), String(seq)]
}

/**
 * The path of a record id: two levels from a 10-bit FNV-1a hash, then the id behind a `#`, so that ids
 * such as `__proto__` or `constructor` are plain keys and never reach Object.prototype.
 */
export function idPath(id: EntityId): Path {
  const key = String(id)
  let hash = 0x811c9dc5
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return [String((hash >>> 5) & 31), String(hash & 31), `#${key}`]
}

export function trieGet<TValue>(trie: Trie<TValue>, [top, mid, leaf]: Path): TValue | undefined {
  return trie[top]?.[mid]?.[leaf]
}

export function trieSet<TValue>(trie: Trie<TValue>, [top, mid, leaf]: Path, value: TValue): void {
  const middle = (trie[top] ??= {})
  const leaves = (middle[mid] ??= {})
  leaves[leaf] = value
}

export function trieDelete<TValue>(trie: Trie<TValue>, [top, mid, leaf]: Path): void {
  const middle = trie[top]
  const leaves = middle?.[mid]
  if (!middle || !leaves || !(leaf in leaves)) return
  delete leaves[leaf]
  for (const _ in leaves) return
  delete middle[mid]
  for (const _ in middle) return
  delete trie[top]
}

/** Every value, in key order for {@link seqPath} keys. */
export function trieValues<TValue>(trie: Trie<TValue>): TValue[] {
  const out: TValue[] = []
  for (const middle of Object.values(trie))
    for (const leaves of Object.values(middle)) for (const value of Object.values(leaves)) out.push(value)
  return out
}

/** Walks the values in key order and stops when `visit` returns false. */
export function trieEach<TValue>(trie: Trie<TValue>, visit: (value: TValue) => boolean | void): void {
  for (const top in trie) {
    const middle = trie[top]!
    for (const mid in middle) {
      const leaves = middle[mid]!
      for (const leaf in leaves) if (visit(leaves[leaf]!) === false) return
    }
  }
}
