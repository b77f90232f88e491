import { SyncHttpError } from 'rtk-offline'
import type { EffectRunner } from './types'

/**
 * An effect as redux-offline's default `effect` config reads it: fetch's options plus `url`, and `json`
 * sent as the JSON body.
 */
export interface FetchEffect extends Omit<RequestInit, 'body' | 'headers'> {
  url: string
  /** Sent as the body, JSON-encoded, with `content-type: application/json` unless the effect sets one. */
  json?: unknown
  body?: RequestInit['body']
  headers?: Record<string, string>
}

/** What a failed fetch effect rejects with: the HTTP status (which `discard` reads) and the response body. */
export class EffectHttpError extends SyncHttpError {
  override name = 'EffectHttpError'
  constructor(
    status: number,
    /** The response body: parsed JSON when the response said so, otherwise its text. */
    readonly response: unknown,
  ) {
    super(status, `The server answered ${status}.`)
  }
}

/** Options of {@link createFetchEffect}. */
export interface FetchEffectOptions {
  /**
   * The fetch to call.
   * @default the global fetch, looked up at each call
   */
  fetch?: typeof fetch
  /**
   * The header the operation id is sent in, so a server that keeps it applies a repeated effect once;
   * null sends none. An effect's own header of that name wins.
   * @default 'Idempotency-Key'
   */
  idempotencyHeader?: string | null
}

/**
 * The effect runner redux-offline uses by default, written for rtk-offline: `fetch(url, options)` with
 * `json` as the body; resolves with the response body (parsed when it is JSON, null when empty), rejects
 * with {@link EffectHttpError} (its `status` and `response`) for a non-2xx answer, and with fetch's own
 * error when the request never got an answer (tried again by the default `discard`). Sends the queued
 * action's idempotency key in an `Idempotency-Key` header.
 */
export function createFetchEffect(options: FetchEffectOptions = {}): EffectRunner {
  const header = options.idempotencyHeader === undefined ? 'Idempotency-Key' : options.idempotencyHeader
  return async (effect, _action, { idempotencyKey, signal }) => {
    const { url, json, headers: own, ...init } = effect as FetchEffect
    const headers: Record<string, string> = { ...own }
    const named = (name: string) => Object.keys(headers).some((key) => key.toLowerCase() === name.toLowerCase())
    if (!named('content-type')) headers['content-type'] = 'application/json'
    if (header !== null && !named(header)) headers[header] = idempotencyKey
    if (json !== undefined) init.body = JSON.stringify(json)
    const response = await (options.fetch ?? fetch)(url, { ...init, headers, signal })
    const text = await response.text()
    const isJson = (response.headers.get('content-type') ?? '').includes('json')
    const body: unknown = text === '' ? null : isJson ? JSON.parse(text) : text
    if (!response.ok) throw new EffectHttpError(response.status, body)
    return body
  }
}
