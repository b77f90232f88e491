import { SyncSetupError } from '../../core/errors'
import { checkNumber } from '../../core/checkNumber'
import { definedOnly } from '../../core/backoff'
import type { ResolvedRetryOptions } from '../../core/backoff'
import { globalTimers, type Timers } from '../../core/timers'
import type { OutgoingOperation } from '../types'
import type { RestFetch, RestHeaders } from '../rest/types'
import type { SyncProtocolAdapterOptions } from './types'

/** The adapter's options with every default filled in. */
export interface ProtocolConfig {
  baseUrl: string
  headers: NonNullable<SyncProtocolAdapterOptions['headers']>
  fetch: RestFetch
  batchSize: number
  clientId: string
  live: boolean
  reconnect: ResolvedRetryOptions
  now: () => number
  timers: Timers
  random: () => number
}

const NAME = 'createSyncProtocolAdapter'

export function buildProtocolConfig(options: SyncProtocolAdapterOptions | undefined): ProtocolConfig {
  const baseUrl: unknown = options?.baseUrl
  if (typeof baseUrl !== 'string')
    throw new SyncSetupError(`${NAME} needs a \`baseUrl\` string, e.g. ${NAME}({ baseUrl: 'https://api.example.com' }).`)
  const { fetch, now, random, timers, clientId, batchSize = 100, live = false, reconnect = {} } = options ?? {}
  for (const [name, value] of Object.entries({ fetch, now, random })) assertOptionalFunction(name, value)
  if (timers !== undefined && (typeof timers?.setTimeout !== 'function' || typeof timers.clearTimeout !== 'function'))
    throw new SyncSetupError(`${NAME}'s \`timers\` option must have setTimeout and clearTimeout functions; leave it out to use the globals.`)
  if (clientId !== undefined && (typeof clientId !== 'string' || clientId === ''))
    throw new SyncSetupError(`${NAME}'s \`clientId\` must be a non-empty string; leave it out for a random one.`)
  const resolvedReconnect = { baseDelayMs: 1000, maxDelayMs: 30_000, ...definedOnly(reconnect) }
  for (const [name, value] of Object.entries(resolvedReconnect)) checkNumber(`${NAME}'s reconnect.${name}`, value, 0)
  return {
    baseUrl: baseUrl.replace(/\/+$/, ''),
    headers: options?.headers ?? {},
    // Looked up on every call, never captured at import, so tests and polyfills can replace the global.
    fetch: fetch ?? ((input, init) => globalThis.fetch(input, init)),
    batchSize: checkNumber(`${NAME}'s batchSize`, batchSize, 1, true),
    clientId: clientId ?? newClientId(),
    live: live === true,
    reconnect: { ...resolvedReconnect, maxAttempts: Infinity },
    now: now ?? (() => Date.now()),
    timers: timers ?? globalTimers,
    random: random ?? (() => Math.random()),
  }
}

function assertOptionalFunction(name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function')
    throw new SyncSetupError(`${NAME}'s \`${name}\` option must be a function; leave it out to use the default.`)
}

/** A random id; where `crypto.randomUUID` is missing (older React Native), one from the clock and Math.random. */
function newClientId(): string {
  const random = globalThis.crypto?.randomUUID?.()
  return random ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`
}

/**
 * The adapter's own headers, then the `headers` option (later ones win): `Accept` as given, and
 * `Content-Type: application/json` for requests with a body.
 */
export async function requestHeaders(config: ProtocolConfig, operation: OutgoingOperation | null, accept: string, hasBody: boolean): Promise<Headers> {
  const headers = new Headers({ Accept: accept })
  if (hasBody) headers.set('Content-Type', 'application/json')
  const extra: RestHeaders = typeof config.headers === 'function' ? await config.headers(operation) : config.headers
  for (const [name, value] of Object.entries(extra)) if (value !== undefined) headers.set(name, value)
  return headers
}
