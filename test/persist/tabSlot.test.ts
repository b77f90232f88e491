import { describe, expect, it } from 'vitest'
import { claimTabSlot } from '../../src/persist/tabSlot'
import { createFakeLocks } from '../support/fakeLocks'
import { createManualTimers } from '../support/manualTimers'
import { advance } from '../support/driver'

let run = 0
/** Lets BroadcastChannel messages between the claims be delivered (they go through the event loop). */
const deliver = () => new Promise((resolve) => setTimeout(resolve, 20))

describe('Durability invariant 2: each tab claims a seq slot no other open tab holds', () => {
  it('with Web Locks: open tabs get distinct slots, and a slot is free again once its tab is gone', async () => {
    const locks = createFakeLocks()
    const name = `slots-${++run}`
    const claim = () => claimTabSlot({ name, slots: 1024, locks, id: 'x' })
    const [a, b, c] = [claim(), claim(), claim()]
    expect(await Promise.all([a.slot, b.slot, c.slot])).toEqual([0, 1, 2])
    b.release()
    await advance()
    const d = claim()
    expect(await d.slot).toBe(1)
    const e = claim()
    expect(await e.slot).toBe(3)
    for (const tab of [a, c, d, e]) tab.release()
  })

  it('with Web Locks: fails with a clear error when every slot is held', async () => {
    const locks = createFakeLocks()
    const name = `slots-${++run}`
    const held = [claimTabSlot({ name, slots: 2, locks, id: 'x' }), claimTabSlot({ name, slots: 2, locks, id: 'y' })]
    await Promise.all(held.map((claim) => claim.slot))
    await expect(claimTabSlot({ name, slots: 2, locks, id: 'z' }).slot).rejects.toThrow(/every one of the 2 seq slots/)
    for (const claim of held) claim.release()
  })

  it('over a BroadcastChannel: two tabs claiming at once get distinct slots, a later tab the next free one', async () => {
    const clock = createManualTimers()
    const name = `slots-${++run}`
    const claim = (id: string) => claimTabSlot({ name, slots: 1024, locks: null, timers: clock.timers, settleMs: 100, id })
    // Both ask for slot 0 at the same instant: the lower id keeps it.
    const b = claim('b')
    const a = claim('a')
    await deliver()
    clock.advance(100)
    await deliver()
    clock.advance(100)
    expect(await a.slot).toBe(0)
    expect(await b.slot).toBe(1)
    const c = claim('c')
    await deliver()
    clock.advance(100)
    await deliver()
    clock.advance(100)
    expect(await c.slot).toBe(2)
    // A tab that leaves frees its slot for the next one.
    a.release()
    await deliver()
    const d = claim('d')
    await deliver()
    clock.advance(100)
    await deliver()
    clock.advance(100)
    expect(await d.slot).toBe(0)
    for (const tab of [b, c, d]) tab.release()
  })
})
