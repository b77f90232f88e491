import type { Trie } from '../core/trie'

/**
 * Calls `visit` for every value that differs between two versions of a trie. Immer shares untouched
 * nodes, so identical nodes are skipped whole: the cost is in proportion to what changed.
 */
export function diffTrie<TValue>(
  before: Trie<TValue>,
  after: Trie<TValue>,
  visit: (before: TValue | undefined, after: TValue | undefined) => void,
): void {
  if (before === after) return
  for (const top of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const a = before[top]
    const b = after[top]
    if (a === b) continue
    for (const mid of new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})])) {
      const leavesA = a?.[mid]
      const leavesB = b?.[mid]
      if (leavesA === leavesB) continue
      for (const leaf of new Set([...Object.keys(leavesA ?? {}), ...Object.keys(leavesB ?? {})])) {
        const x = leavesA?.[leaf]
        const y = leavesB?.[leaf]
        if (x !== y) visit(x, y)
      }
    }
  }
}
