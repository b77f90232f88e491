import type { SyncStorage } from './storage'

/**
 * Storage writes in the order they were asked for, one at a time, with repeated writes of a key that
 * has not gone out yet folded into the last one: moved to the end of the line (a later write stays
 * later), or, with `keepPlace`, written in the earlier one's place (an earlier write stays earlier: a
 * record's confirmed state is never overtaken by the operation made on it). `idle()` resolves when
 * everything asked so far is done.
 */
export function createWriteQueue(storage: SyncStorage, onError: (error: unknown, key: string) => void) {
  // `null` removes the key.
  const waiting = new Map<string, string | null>()
  /** Keys whose last write failed (and was not written since). */
  const failed = new Set<string>()
  let running: Promise<void> | null = null
  let bytes = 0
  let writes = 0

  async function pump(): Promise<void> {
    while (waiting.size > 0) {
      const [key, value] = waiting.entries().next().value as [string, string | null]
      waiting.delete(key)
      try {
        if (value === null) await storage.removeItem(key)
        else {
          await storage.setItem(key, value)
          bytes += value.length
          writes += 1
        }
        failed.delete(key)
      } catch (error) {
        failed.add(key)
        onError(error, key)
      }
    }
    running = null
  }

  return {
    set(key: string, value: string | null, keepPlace = false): void {
      if (!keepPlace) waiting.delete(key)
      waiting.set(key, value)
      running ??= pump()
    },
    /** Resolves once every write asked for so far has been done. */
    async idle(): Promise<void> {
      while (running) await running
    },
    /** Whether the last write of `key` failed (a write still waiting counts once it is done). */
    hasFailed: (key: string): boolean => failed.has(key),
    /** Characters and writes sent to storage so far (for benchmarks and tests). */
    stats: () => ({ bytes, writes }),
  }
}
