import { SyncSetupError } from 'rtk-offline'
import { globalTimers, type Timers } from '../core/timers'

/** Options of {@link createSenderElection}. */
export interface SenderElectionOptions {
  /**
   * The lock and channel name; every tab of the same app must use the same one.
   * @example `rtk-offline:${storageKey}:sender`
   */
  name: string
  /**
   * The Web Locks API. Pass `null` to use the BroadcastChannel protocol even where locks exist.
   * @default navigator.locks where it exists, else null (looked up when the election is created)
   */
  locks?: LockManager | null
  /**
   * The BroadcastChannel constructor of the fallback. Where there is neither a lock manager nor a
   * BroadcastChannel (React Native: a single JavaScript context), this instance is the sender at once.
   * @default globalThis.BroadcastChannel (looked up when the election is created)
   */
  BroadcastChannel?: typeof BroadcastChannel
  /**
   * The fallback's timers; inject fakes in tests.
   * @default the global setTimeout and clearTimeout, looked up at each call
   */
  timers?: Timers
  /**
   * The fallback's clock, in milliseconds.
   * @default () => Date.now()
   */
  now?: () => number
  /**
   * Fallback only: how often the sender says it is alive, and how long a claim waits for a competing one.
   * @default 1000
   */
  heartbeatMs?: number
  /**
   * Fallback only: a sender silent this long is presumed gone and another instance claims the role.
   * Must be longer than `heartbeatMs`; a few heartbeats long, so one late heartbeat does not cause a
   * needless election.
   * @default 3000
   */
  timeoutMs?: number
  /**
   * Fallback only: makes the instance id that breaks ties (the lowest id wins).
   * @default Math.random
   */
  random?: () => number
}

/** Which of several tabs (or windows, or workers) sends the outbox: exactly one at a time. */
export interface SenderElection {
  /** Whether this instance is the sender now. */
  isSender(): boolean
  /** Calls `listener` each time `isSender()` changes, not before; returns an unsubscribe function. */
  subscribe(listener: (isSender: boolean) => void): () => void
  /**
   * Gives up the role at once (releases the lock, or tells the other tabs so one takes over without
   * waiting for a timeout), notifies listeners if this instance was the sender, and stops for good.
   */
  close(): void
}

/** Stops a way of electing. */
type Stop = () => void
/** How a way of electing tells the election whether this instance is the sender. */
type Report = (isSender: boolean) => void

/**
 * Elects one sender among the tabs that share an outbox, so an operation is not sent by two tabs at
 * once. With the Web Locks API the sender is the holder of an exclusive lock: when its tab closes or
 * crashes the browser releases the lock and the next tab in line gets it. Without it, the tabs talk
 * over a BroadcastChannel: the sender sends a heartbeat, and the others take over when it resigns or
 * falls silent for `timeoutMs` (at most one sender once messages are delivered; exactly one while any
 * instance is open).
 *
 * @example
 * const election = createSenderElection({ name: `rtk-offline:${storageKey}:sender` })
 * election.subscribe((isSender) => console.log(isSender ? 'this tab sends' : 'another tab sends'))
 */
export function createSenderElection(options: SenderElectionOptions): SenderElection {
  const config = resolveChannelConfig(options)
  const locks = options.locks === undefined ? defaultLocks() : options.locks
  const listeners = new Set<(isSender: boolean) => void>()
  let sender = false
  let closed = false

  const report: Report = (next) => {
    if (closed || next === sender) return
    sender = next
    notify(listeners, next)
  }
  let stop: Stop = () => {}
  // The lock path calls this later if locks turn out not to work here.
  const startFallback = () => {
    stop = startChannelElection(config, report)
  }
  if (locks) stop = startLockElection(locks, options.name, report, startFallback)
  else startFallback()

  return {
    isSender: () => sender,
    subscribe(listener) {
      if (closed) return () => {}
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
    close() {
      if (closed) return
      // Closed first, so what the way of electing reports while it stops is ignored, and a listener
      // that calls close() again returns at once.
      closed = true
      stop()
      if (sender) {
        sender = false
        notify(listeners, false)
      }
      listeners.clear()
    },
  }
}

/** Calls every listener even if one throws; the error is rethrown on its own so it is still seen. */
function notify(listeners: ReadonlySet<(isSender: boolean) => void>, isSender: boolean): void {
  for (const listener of [...listeners]) {
    try {
      listener(isSender)
    } catch (error) {
      queueMicrotask(() => {
        throw error
      })
    }
  }
}

/** navigator.locks where it exists, else null. */
export function defaultLocks(): LockManager | null {
  // Typed as always present, but missing in Node and in browsers before 2022.
  const locks: LockManager | undefined = typeof navigator === 'undefined' ? undefined : navigator.locks
  return locks ?? null
}

// ---------------------------------------------------------------------------------------------------
// Web Locks

/**
 * Holds an exclusive lock for as long as this instance is open. The lock callback's promise settles
 * only on stop, so the browser keeps the lock until then, or until the tab goes away.
 */
function startLockElection(locks: LockManager, name: string, report: Report, fallBack: () => void): Stop {
  const abort = new AbortController()
  let release = () => {}

  const wait = () => {
    let granted = false
    const held = () => {
      // stop() may have come while the grant was on its way: give the lock straight back.
      if (abort.signal.aborted) return undefined
      granted = true
      report(true)
      return new Promise<void>((resolve) => (release = resolve))
    }
    locks.request(name, { mode: 'exclusive', signal: abort.signal }, held).then(
      () => report(false),
      () => {
        if (abort.signal.aborted) return
        report(false)
        // Held, then rejected: another script stole the lock (`steal: true`); queue again behind it.
        // Rejected before it was ever held: locks do not work here (an opaque origin), so talk instead.
        if (granted) wait()
        else fallBack()
      },
    )
  }
  wait()

  return () => {
    abort.abort() // drops a request still waiting in the queue
    release() // ends a held lock; the next waiting tab gets it
  }
}

// ---------------------------------------------------------------------------------------------------
// BroadcastChannel fallback

interface ChannelConfig {
  name: string
  Channel: typeof BroadcastChannel | undefined
  timers: Timers
  now: () => number
  heartbeatMs: number
  timeoutMs: number
  random: () => number
}

type Role = 'follower' | 'claiming' | 'sender'

/** What instances say to each other. `id` is the speaker's. */
interface ElectionMessage {
  type: 'heartbeat' | 'claim' | 'resign'
  id: string
}

const MESSAGE_TYPES: ReadonlySet<string> = new Set<ElectionMessage['type']>(['heartbeat', 'claim', 'resign'])

/** Tells instances in one context apart even if `random` repeats itself (a fake in a test). */
let instanceCount = 0

function resolveChannelConfig(options: SenderElectionOptions): ChannelConfig {
  const heartbeatMs = options.heartbeatMs ?? 1000
  const timeoutMs = options.timeoutMs ?? 3000
  if (typeof options.name !== 'string' || options.name === '') {
    throw new SyncSetupError('createSenderElection needs a `name`, the same in every tab (for example `rtk-offline:${storageKey}:sender`).')
  }
  if (!(heartbeatMs > 0 && Number.isFinite(heartbeatMs))) {
    throw new SyncSetupError(`createSenderElection's \`heartbeatMs\` must be a positive number of milliseconds, not ${heartbeatMs}.`)
  }
  if (!(timeoutMs > heartbeatMs && Number.isFinite(timeoutMs))) {
    throw new SyncSetupError(`createSenderElection's \`timeoutMs\` (${timeoutMs}) must be longer than \`heartbeatMs\` (${heartbeatMs}).`)
  }
  return {
    name: options.name,
    Channel: options.BroadcastChannel ?? globalThis.BroadcastChannel,
    timers: options.timers ?? globalTimers,
    now: options.now ?? (() => Date.now()),
    heartbeatMs,
    timeoutMs,
    random: options.random ?? (() => Math.random()),
  }
}

function startChannelElection(config: ChannelConfig, report: Report): Stop {
  if (config.Channel === undefined) {
    // Nothing to coordinate with means nobody else to coordinate with: a single context sends.
    report(true)
    return () => report(false)
  }
  const election = new ChannelElection(config, config.Channel, report)
  return () => election.stop()
}

function isElectionMessage(data: unknown): data is ElectionMessage {
  if (typeof data !== 'object' || data === null) return false
  const { type, id } = data as Partial<Record<keyof ElectionMessage, unknown>>
  return typeof type === 'string' && MESSAGE_TYPES.has(type) && typeof id === 'string'
}

/**
 * One instance's side of the protocol. A follower watches for heartbeats; after `timeoutMs` of silence,
 * or at once when the sender resigns, it claims the role and waits one heartbeat for a competing claim:
 * a lower id, or any live sender, makes it back off; otherwise it leads. A sender answers every claim
 * with a heartbeat, and steps down if it hears a sender with a lower id (two can meet after a message
 * was late).
 */
class ChannelElection {
  readonly #config: ChannelConfig
  readonly #report: Report
  readonly #channel: BroadcastChannel
  readonly #id: string
  #role: Role = 'follower'
  #lastHeard: number
  #timer: unknown = undefined
  #stopped = false

  constructor(config: ChannelConfig, Channel: typeof BroadcastChannel, report: Report) {
    this.#config = config
    this.#report = report
    this.#id = `${config.random()}/${instanceCount++}`
    this.#channel = new Channel(config.name)
    this.#channel.addEventListener('message', (event) => this.#receive(event.data))
    // Start as if a sender had just been heard: a tab that opens next to a sender must not claim
    // before that sender's next heartbeat has had time to arrive.
    this.#lastHeard = config.now()
    this.#watch(config.timeoutMs)
  }

  stop(): void {
    if (this.#stopped) return
    // Resigning lets a follower claim now instead of after `timeoutMs`; the message is queued for the
    // other channels before this one closes.
    if (this.#role === 'sender') this.#post('resign')
    this.#halt()
    this.#channel.close()
  }

  #receive(data: unknown): void {
    // Our own id cannot arrive: a BroadcastChannel does not hear its own messages.
    if (this.#stopped || !isElectionMessage(data) || data.id === this.#id) return
    if (data.type === 'heartbeat') this.#heardHeartbeat(data.id)
    else if (data.type === 'claim') this.#heardClaim(data.id)
    else if (this.#role === 'follower') this.#claim()
  }

  #heardHeartbeat(from: string): void {
    // A claimer backs off from any live sender, even one with a higher id: the sender is working, and
    // taking over would only interrupt it.
    if (this.#role === 'claiming' || (this.#role === 'sender' && from < this.#id)) this.#follow()
    else if (this.#role === 'follower') this.#lastHeard = this.#config.now()
  }

  #heardClaim(from: string): void {
    // Answer at once so the claimer backs off, instead of leaving it to the next regular heartbeat.
    if (this.#role === 'sender') this.#post('heartbeat')
    else if (this.#role === 'claiming' && from < this.#id) this.#follow()
    // A follower gives the claimer the same grace as a sender, so it does not start a rival claim.
    else if (this.#role === 'follower') this.#lastHeard = this.#config.now()
  }

  #follow(): void {
    this.#setRole('follower')
    this.#lastHeard = this.#config.now()
    this.#watch(this.#config.timeoutMs)
  }

  /** Claims after `timeoutMs` of silence; checks the clock when the timer fires, so heartbeats need not reset it. */
  #watch(ms: number): void {
    this.#schedule(ms, () => {
      const silentFor = this.#config.now() - this.#lastHeard
      if (silentFor >= this.#config.timeoutMs) this.#claim()
      else this.#watch(this.#config.timeoutMs - silentFor)
    })
  }

  #claim(): void {
    if (!this.#post('claim')) return
    this.#setRole('claiming')
    this.#schedule(this.#config.heartbeatMs, () => this.#lead())
  }

  #lead(): void {
    this.#setRole('sender')
    this.#heartbeat()
  }

  #heartbeat(): void {
    if (this.#post('heartbeat')) this.#schedule(this.#config.heartbeatMs, () => this.#heartbeat())
  }

  /**
   * Posts a message; false if the channel was closed under us. Unheard, this instance cannot tell
   * others it is the sender, so they will take over: it must stop claiming the role itself.
   */
  #post(type: ElectionMessage['type']): boolean {
    try {
      this.#channel.postMessage({ type, id: this.#id } satisfies ElectionMessage)
      return true
    } catch {
      this.#halt()
      return false
    }
  }

  #halt(): void {
    this.#stopped = true
    this.#cancel()
    this.#setRole('follower')
  }

  #setRole(role: Role): void {
    this.#role = role
    this.#report(role === 'sender')
  }

  /** One timer at a time: each step of the protocol replaces the previous one's. */
  #schedule(ms: number, callback: () => void): void {
    this.#cancel()
    this.#timer = this.#config.timers.setTimeout(() => {
      this.#timer = undefined
      callback()
    }, ms)
  }

  #cancel(): void {
    if (this.#timer === undefined) return
    this.#config.timers.clearTimeout(this.#timer)
    this.#timer = undefined
  }
}
