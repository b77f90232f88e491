import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Timers } from '../../src/core/timers'
import { createSenderElection, type SenderElection, type SenderElectionOptions } from '../../src/persist/senderElection'

// The real setImmediate, kept out of the fake timers: Node delivers BroadcastChannel messages on the
// real event loop, and tests wait for them with it.
const FAKED: NonNullable<Parameters<typeof vi.useFakeTimers>[0]>['toFake'] = [
  'setTimeout',
  'clearTimeout',
  'setInterval',
  'clearInterval',
  'Date',
]

/** Lets messages already posted reach the other channels (a few loop turns, to be safe). */
async function delivered(): Promise<void> {
  for (let turn = 0; turn < 5; turn++) await new Promise<void>((resolve) => setImmediate(resolve))
}

/** Moves fake time on, letting messages flow between timers and after the last one. */
async function advance(ms: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms)
  await delivered()
}

let nameCount = 0
/** A name no earlier test used, so a message still in flight from one test cannot reach another. */
const freshName = () => `rtk-offline:test-${++nameCount}:sender`

/** Everything a test opened, closed after it so the process can exit. */
const elections: SenderElection[] = []
const channels: BroadcastChannel[] = []

afterEach(() => {
  for (const election of elections.splice(0)) election.close()
  for (const channel of channels.splice(0)) channel.close()
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

// ---------------------------------------------------------------------------------------------------
// Web Locks

interface LockRequest {
  name: string
  callback: LockGrantedCallback<unknown>
  resolve: (value: unknown) => void
  reject: (reason: unknown) => void
}

/**
 * The Web Locks API for one origin, exclusive mode only: requests per name are granted in order, the
 * callback runs asynchronously once granted, and the lock is held until the promise it returns
 * settles. `signal` drops a waiting request; `steal` takes the lock from its holder, whose request
 * rejects with an AbortError.
 */
class FakeLockManager implements LockManager {
  readonly #held = new Map<string, LockRequest>()
  readonly #waiting: LockRequest[] = []

  async query(): Promise<LockManagerSnapshot> {
    const info = (request: LockRequest): LockInfo => ({ name: request.name, mode: 'exclusive', clientId: 'tab' })
    return { held: [...this.#held.values()].map(info), pending: this.#waiting.map(info) }
  }

  request<T>(name: string, callback: LockGrantedCallback<T>): Promise<T>
  request<T>(name: string, options: LockOptions, callback: LockGrantedCallback<T>): Promise<T>
  request<T>(name: string, ...args: [LockGrantedCallback<T>] | [LockOptions, LockGrantedCallback<T>]): Promise<T> {
    const [options, callback] = args.length === 1 ? [{}, args[0]] : args
    if ((options.mode ?? 'exclusive') !== 'exclusive') throw new Error('FakeLockManager: exclusive locks only')
    return new Promise<T>((resolve, reject) => {
      if (options.signal?.aborted) return reject(options.signal.reason)
      const request: LockRequest = { name, callback, resolve: (value) => resolve(value as T), reject }
      if (options.steal) this.#steal(request)
      else this.#waiting.push(request)
      options.signal?.addEventListener('abort', () => this.#drop(request, options.signal!.reason))
      this.#grantNext(name)
    })
  }

  #steal(request: LockRequest): void {
    const holder = this.#held.get(request.name)
    this.#held.delete(request.name)
    holder?.reject(new DOMException('The lock was stolen.', 'AbortError'))
    this.#waiting.unshift(request)
  }

  #drop(request: LockRequest, reason: unknown): void {
    const index = this.#waiting.indexOf(request)
    if (index === -1) return // already granted: aborting no longer has any effect
    this.#waiting.splice(index, 1)
    request.reject(reason)
  }

  #grantNext(name: string): void {
    if (this.#held.has(name)) return
    const index = this.#waiting.findIndex((request) => request.name === name)
    if (index === -1) return
    const [request] = this.#waiting.splice(index, 1)
    this.#held.set(name, request!)
    // The real API calls back in a later task, never inside request().
    setImmediate(() => void this.#run(request!))
  }

  async #run(request: LockRequest): Promise<void> {
    let outcome: { ok: true; value: unknown } | { ok: false; error: unknown }
    try {
      outcome = { ok: true, value: await request.callback({ name: request.name, mode: 'exclusive' }) }
    } catch (error) {
      outcome = { ok: false, error }
    }
    // A stolen lock is no longer this request's to release.
    if (this.#held.get(request.name) === request) {
      this.#held.delete(request.name)
      this.#grantNext(request.name)
    }
    if (outcome.ok) request.resolve(outcome.value)
    else request.reject(outcome.error)
  }
}

/** Opens an election on `locks` and records what its listener hears. */
function openWithLocks(locks: LockManager, name: string, options: Partial<SenderElectionOptions> = {}) {
  const election = createSenderElection({ name, locks, ...options })
  elections.push(election)
  const heard: boolean[] = []
  election.subscribe((isSender) => heard.push(isSender))
  return { election, heard }
}

describe('createSenderElection with Web Locks', () => {
  it('makes the first tab to ask the sender, and the others wait', async () => {
    const locks = new FakeLockManager()
    const name = freshName()
    const first = openWithLocks(locks, name)
    const second = openWithLocks(locks, name)

    expect(first.election.isSender()).toBe(false) // the lock is granted asynchronously
    await delivered()

    expect(first.election.isSender()).toBe(true)
    expect(second.election.isSender()).toBe(false)
    expect(first.heard).toEqual([true])
    expect(second.heard).toEqual([])
    expect(await locks.query()).toMatchObject({ held: [{ name }], pending: [{ name }] })
  })

  it('hands the role to the next tab in line when the sender closes', async () => {
    const locks = new FakeLockManager()
    const name = freshName()
    const first = openWithLocks(locks, name)
    const second = openWithLocks(locks, name)
    const third = openWithLocks(locks, name)
    await delivered()

    first.election.close()

    expect(first.election.isSender()).toBe(false)
    expect(first.heard).toEqual([true, false])
    await delivered()
    expect(second.election.isSender()).toBe(true)
    expect(third.election.isSender()).toBe(false)
    expect(second.heard).toEqual([true])
  })

  it('takes over when the tab holding the lock goes away without a word', async () => {
    const locks = new FakeLockManager()
    const name = freshName()
    let otherTabGoesAway = () => {}
    // Another tab's sender: the browser releases its lock when the tab is closed or crashes.
    const otherTab = locks.request(name, () => new Promise<void>((resolve) => (otherTabGoesAway = resolve)))
    const tab = openWithLocks(locks, name)
    await delivered()
    expect(tab.election.isSender()).toBe(false)

    otherTabGoesAway()
    await otherTab
    await delivered()

    expect(tab.election.isSender()).toBe(true)
    expect(tab.heard).toEqual([true])
  })

  it('leaves the queue when it closes while waiting, and never becomes the sender', async () => {
    const locks = new FakeLockManager()
    const name = freshName()
    const first = openWithLocks(locks, name)
    const second = openWithLocks(locks, name)
    const third = openWithLocks(locks, name)
    await delivered()

    second.election.close()
    first.election.close()
    await delivered()

    expect(second.heard).toEqual([])
    expect(third.election.isSender()).toBe(true)
    expect(await locks.query()).toMatchObject({ held: [{ name }], pending: [] })
  })

  it('releases the lock when closed before the grant arrived', async () => {
    const locks = new FakeLockManager()
    const name = freshName()
    const early = openWithLocks(locks, name)
    const next = openWithLocks(locks, name)

    early.election.close() // the lock was already granted to it, its callback not yet run
    await delivered()

    expect(early.heard).toEqual([])
    expect(next.election.isSender()).toBe(true)
  })

  it('queues again when another script steals the lock, and gets it back when that script is done', async () => {
    const locks = new FakeLockManager()
    const name = freshName()
    const tab = openWithLocks(locks, name)
    await delivered()
    let thiefDone = () => {}

    const theft = locks.request(name, { steal: true }, () => new Promise<void>((resolve) => (thiefDone = resolve)))
    await delivered()
    expect(tab.election.isSender()).toBe(false)

    thiefDone()
    await theft
    await delivered()
    expect(tab.election.isSender()).toBe(true)
    expect(tab.heard).toEqual([true, false, true])
  })

  it('falls back to BroadcastChannel when lock requests are refused (an opaque origin)', async () => {
    vi.useFakeTimers({ toFake: FAKED })
    const refusing: LockManager = {
      query: async () => ({ held: [], pending: [] }),
      request: async () => {
        throw new DOMException('Locks are not available here.', 'SecurityError')
      },
    }
    const tab = openWithLocks(refusing, freshName())
    await delivered()
    expect(tab.election.isSender()).toBe(false)

    await advance(3000 + 1000)

    expect(tab.election.isSender()).toBe(true)
    tab.election.close()
    expect(vi.getTimerCount()).toBe(0)
  })

  it('uses navigator.locks by default, and BroadcastChannel when told `locks: null`', async () => {
    vi.useFakeTimers({ toFake: FAKED })
    const locks = new FakeLockManager()
    vi.stubGlobal('navigator', { locks })
    const name = freshName()

    const byDefault = openWithLocks(locks, name, { locks: undefined })
    const withoutLocks = openWithLocks(locks, freshName(), { locks: null })
    await delivered()

    expect(byDefault.election.isSender()).toBe(true)
    expect(await locks.query()).toMatchObject({ held: [{ name }] })
    expect(withoutLocks.election.isSender()).toBe(false) // waits for silence on its channel
    await advance(4000)
    expect(withoutLocks.election.isSender()).toBe(true)
  })
})

// ---------------------------------------------------------------------------------------------------
// BroadcastChannel fallback

/**
 * A tab's timers: a simulated crash stops them dead, as a closed tab's timers stop, and `slowdown`
 * stretches new ones, as a browser throttles a background tab's timers (Chrome: to once a minute).
 */
function tabTimers() {
  const pending = new Set<ReturnType<typeof setTimeout>>()
  let slowdown = 1
  const timers: Timers = {
    setTimeout(callback, ms) {
      const handle = setTimeout(() => {
        pending.delete(handle)
        callback()
      }, ms * slowdown)
      pending.add(handle)
      return handle
    },
    clearTimeout(handle) {
      pending.delete(handle as ReturnType<typeof setTimeout>)
      clearTimeout(handle as ReturnType<typeof setTimeout>)
    },
  }
  const stop = () => {
    for (const handle of pending) clearTimeout(handle)
    pending.clear()
  }
  const throttle = (factor: number) => {
    slowdown = factor
  }
  return { timers, stop, throttle }
}

/** A tab with its own channel and timers, so it can crash (no resignation) or go deaf (messages lost). */
function openTab(name: string, options: Partial<SenderElectionOptions> = {}) {
  const tab = { channel: undefined as BroadcastChannel | undefined, deaf: false }
  // Registers listeners through a filter, so a test can drop the messages this tab would hear.
  class TabChannel extends BroadcastChannel {
    constructor(channelName: string) {
      super(channelName)
      tab.channel = this
      channels.push(this)
    }
    override addEventListener(type: string, listener: EventListenerOrEventListenerObject | null): void {
      super.addEventListener(type, (event) => {
        if (!tab.deaf && typeof listener === 'function') listener(event)
      })
    }
  }
  const { timers, stop, throttle } = tabTimers()
  const election = createSenderElection({ name, locks: null, BroadcastChannel: TabChannel, timers, ...options })
  elections.push(election)
  const heard: boolean[] = []
  election.subscribe((isSender) => heard.push(isSender))
  return {
    election,
    heard,
    /** The tab is gone: its timers stop and its channel closes, without a resignation. */
    crash() {
      stop()
      tab.channel!.close()
    },
    throttle,
    setDeaf(deaf: boolean) {
      tab.deaf = deaf
    },
    channel: () => tab.channel!,
  }
}

type Tab = ReturnType<typeof openTab>

const senders = (tabs: Tab[]) => tabs.filter((tab) => tab.election.isSender())

/** Advances in heartbeat-sized steps, checking that there is never more than one sender. */
async function advanceWatching(tabs: Tab[], ms: number, step = 250): Promise<void> {
  for (let elapsed = 0; elapsed < ms; elapsed += step) {
    await advance(Math.min(step, ms - elapsed))
    expect(senders(tabs).length).toBeLessThanOrEqual(1)
  }
}

describe('createSenderElection with the BroadcastChannel fallback', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: FAKED })
  })

  it('hears other instances of the same name in the same process (the premise of these tests)', async () => {
    const name = freshName()
    const speaker = new BroadcastChannel(name)
    const listener = new BroadcastChannel(name)
    channels.push(speaker, listener)
    const heard: unknown[] = []
    listener.addEventListener('message', (event) => heard.push(event.data))

    speaker.postMessage('hello')
    await delivered()

    expect(heard).toEqual(['hello'])
  })

  it('makes a lone instance the sender once `timeoutMs` has passed in silence, not before', async () => {
    const tab = openTab(freshName())

    await advance(2999)
    expect(tab.election.isSender()).toBe(false)
    await advance(1 + 1000) // the silence, then one heartbeat's wait for a competing claim

    expect(tab.election.isSender()).toBe(true)
    expect(tab.heard).toEqual([true])
  })

  it('elects exactly one of two instances, and keeps it', async () => {
    const name = freshName()
    const tabs = [openTab(name), openTab(name)]

    await advanceWatching(tabs, 4000)
    const [sender] = senders(tabs)
    expect(senders(tabs)).toHaveLength(1)
    await advanceWatching(tabs, 20_000)

    expect(senders(tabs)).toEqual([sender])
    expect(tabs.map((tab) => tab.heard)).toEqual(tabs.map((tab) => (tab === sender ? [true] : [])))
  })

  it('breaks a tie between simultaneous claims in favour of the lowest id', async () => {
    const name = freshName()
    const first = openTab(name, { random: () => 0.5 })
    await advance(4000)
    const high = openTab(name, { random: () => 0.9 })
    const low = openTab(name, { random: () => 0.1 })
    await advance(2000)

    // Both followers hear the resignation in the same turn and claim before hearing each other.
    first.election.close()
    await advanceWatching([high, low], 1000)

    expect(low.election.isSender()).toBe(true)
    expect(high.election.isSender()).toBe(false)
    expect(high.heard).toEqual([])
  })

  it('does not let a newcomer take over from a working sender, even with a lower id', async () => {
    const name = freshName()
    const first = openTab(name, { random: () => 0.9 })
    await advance(4000)
    expect(first.election.isSender()).toBe(true)

    const newcomer = openTab(name, { random: () => 0.1 })
    await advanceWatching([first, newcomer], 20_000)

    expect(first.election.isSender()).toBe(true)
    expect(newcomer.heard).toEqual([])
  })

  it('hands over promptly when the sender closes, without waiting for `timeoutMs`', async () => {
    const name = freshName()
    const tabs = [openTab(name), openTab(name)]
    await advance(4000)
    const [sender] = senders(tabs)
    const other = tabs.find((tab) => tab !== sender)!

    sender!.election.close()
    await delivered()

    expect(sender!.heard).toEqual([true, false])
    await advance(1000) // one heartbeat's wait for a competing claim; timeoutMs is 3000
    expect(other.election.isSender()).toBe(true)
  })

  it('takes over after `timeoutMs` when the sender crashes without resigning', async () => {
    const name = freshName()
    const tabs = [openTab(name), openTab(name), openTab(name)]
    await advanceWatching(tabs, 4000)
    const [crashed] = senders(tabs)
    const survivors = tabs.filter((tab) => tab !== crashed)

    crashed!.crash()
    // The survivors heard the last heartbeat at most 1000 ms ago: nobody claims before 2000 ms more.
    await advanceWatching(survivors, 1900)
    expect(senders(survivors)).toEqual([])
    await advanceWatching(survivors, 2200)

    expect(senders(survivors)).toHaveLength(1)
    await advanceWatching(survivors, 10_000)
    expect(senders(survivors)).toHaveLength(1)
  })

  it('answers a claim at once, so a throttled sender whose heartbeats come late keeps the role alone', async () => {
    const name = freshName()
    const sender = openTab(name)
    await advance(4000)
    const follower = openTab(name)
    await advance(2000)

    sender.throttle(60) // a background tab: its next heartbeat comes a minute late
    await advanceWatching([sender, follower], 30_000)

    expect(sender.election.isSender()).toBe(true)
    expect(follower.heard).toEqual([])
  })

  it('resolves two senders that could not hear each other: the higher id steps down', async () => {
    const name = freshName()
    const high = openTab(name, { random: () => 0.9 })
    const low = openTab(name, { random: () => 0.1 })
    high.setDeaf(true)
    low.setDeaf(true)
    await advance(4000)
    expect([high.election.isSender(), low.election.isSender()]).toEqual([true, true])

    high.setDeaf(false)
    low.setDeaf(false)
    await advance(1000)

    expect(low.election.isSender()).toBe(true)
    expect(high.election.isSender()).toBe(false)
    expect(high.heard).toEqual([true, false])
    expect(low.heard).toEqual([true])
  })

  it('notifies listeners on changes only, and not after they unsubscribe', async () => {
    const name = freshName()
    const tab = openTab(name)
    const heard: boolean[] = []
    const unsubscribe = tab.election.subscribe((isSender) => heard.push(isSender))

    await advance(4000)
    await advance(10_000) // many heartbeats, no change
    expect(heard).toEqual([true])

    unsubscribe()
    tab.election.close()
    expect(heard).toEqual([true])
    expect(tab.heard).toEqual([true, false])
  })

  it('gives up the role when its channel is closed under it, since nobody can hear it any more', async () => {
    const tab = openTab(freshName())
    await advance(4000)

    tab.channel().close()
    await advance(1000) // the next heartbeat cannot be posted

    expect(tab.election.isSender()).toBe(false)
    expect(tab.heard).toEqual([true, false])
    expect(vi.getTimerCount()).toBe(0)
  })

  it('stops every timer once all instances are closed, and closing twice is harmless', async () => {
    const name = freshName()
    const tabs = [openTab(name), openTab(name), openTab(name)]
    await advance(4000)
    expect(vi.getTimerCount()).toBe(3)

    for (const tab of tabs) tab.election.close()
    tabs[0]!.election.close()

    expect(vi.getTimerCount()).toBe(0)
    expect(senders(tabs)).toEqual([])
  })

  it('ignores messages that are not part of the protocol', async () => {
    const name = freshName()
    const stranger = new BroadcastChannel(name)
    channels.push(stranger)
    const tab = openTab(name)

    for (let second = 0; second < 5; second++) {
      stranger.postMessage({ type: 'heartbeat' }) // no id
      stranger.postMessage('heartbeat')
      stranger.postMessage(null)
      await advance(1000)
    }

    expect(tab.election.isSender()).toBe(true)
  })

  it('is the sender at once where there is neither Web Locks nor BroadcastChannel (one JavaScript context)', () => {
    vi.stubGlobal('BroadcastChannel', undefined)
    const election = createSenderElection({ name: freshName(), locks: null })
    elections.push(election)
    const heard: boolean[] = []
    election.subscribe((isSender) => heard.push(isSender))

    expect(election.isSender()).toBe(true)
    election.close()
    expect(election.isSender()).toBe(false)
    expect(heard).toEqual([false])
  })

  it('refuses a missing name and timings that cannot work, at once', () => {
    expect(() => createSenderElection({ name: '', locks: null })).toThrow(/needs a `name`/)
    expect(() => createSenderElection({ name: 'x', locks: null, heartbeatMs: 0 })).toThrow(/heartbeatMs/)
    expect(() => createSenderElection({ name: 'x', locks: null, heartbeatMs: 1000, timeoutMs: 1000 })).toThrow(
      /must be longer than `heartbeatMs`/,
    )
    expect(vi.getTimerCount()).toBe(0)
  })
})
