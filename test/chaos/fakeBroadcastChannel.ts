import type { Scheduler } from './scheduler'

/**
 * A BroadcastChannel that delivers in a later turn of the event loop (as browsers do), counted as busy
 * by the scheduler so `settle()` waits for messages in flight, and deterministic: Node's own channel
 * delivers through a MessagePort whose timing the harness cannot see.
 */
export function createFakeBroadcastChannel(scheduler: Scheduler): typeof BroadcastChannel {
  const registry = new Map<string, Set<FakeChannel>>()
  class FakeChannel extends EventTarget {
    onmessage: ((event: MessageEvent) => void) | null = null
    onmessageerror: ((event: MessageEvent) => void) | null = null
    private closed = false
    constructor(readonly name: string) {
      super()
      let members = registry.get(name)
      if (!members) registry.set(name, (members = new Set()))
      members.add(this)
    }
    postMessage(message: unknown): void {
      if (this.closed) throw new DOMException('BroadcastChannel is closed.', 'InvalidStateError')
      const data = structuredClone(message)
      for (const member of registry.get(this.name) ?? []) {
        if (member === this) continue
        const done = scheduler.track()
        setImmediate(() => {
          done()
          if (!member.closed) member.onmessage?.(new MessageEvent('message', { data }))
        })
      }
    }
    close(): void {
      this.closed = true
      registry.get(this.name)?.delete(this)
    }
  }
  return FakeChannel as unknown as typeof BroadcastChannel
}
