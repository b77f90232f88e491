import { SyncSetupError } from 'rtk-offline'
import type { Reply } from './reply'
import type { MockFailure, MockFailureOptions } from './types'

/** One failure waiting for its request. */
export interface InjectedFailure {
  failure: MockFailure
  retryAfter?: string
  body?: unknown
  /** Upper-case methods the failure waits for, or null for any request. */
  methods: ReadonlySet<string> | null
}

/** The failures `failNext` queued, handed out to requests in the order they arrive. */
export interface FailureQueue {
  add(count: number, failure: MockFailure, options?: MockFailureOptions): void
  /** Removes and returns the oldest failure that waits for a request with this method. */
  take(method: string): InjectedFailure | undefined
  clear(): void
}

export function createFailureQueue(): FailureQueue {
  let queue: InjectedFailure[] = []
  return {
    add(count, failure, options = {}) {
      const injected = readFailure(count, failure, options)
      for (let index = 0; index < count; index += 1) queue.push(injected)
    },
    take(method) {
      const index = queue.findIndex(({ methods }) => methods === null || methods.has(method.toUpperCase()))
      if (index === -1) return undefined
      return queue.splice(index, 1)[0]
    },
    clear() {
      queue = []
    },
  }
}

/** The answer to a request that a status failure hits. */
export function failureReply({ failure, retryAfter, body }: InjectedFailure): Reply {
  return {
    status: failure as number,
    body: body === undefined ? { message: `Injected ${String(failure)} failure` } : body,
    ...(retryAfter === undefined ? {} : { headers: { 'Retry-After': retryAfter } }),
  }
}

function readFailure(count: number, failure: MockFailure, options: MockFailureOptions): InjectedFailure {
  if (!Number.isInteger(count) || count < 0) throw new SyncSetupError(`failNext's count must be an integer ≥ 0, got ${String(count)}.`)
  const isStatus = typeof failure === 'number' && Number.isInteger(failure) && failure >= 400 && failure <= 599
  if (!isStatus && failure !== 'network' && failure !== 'lost-response')
    throw new SyncSetupError(
      `failNext's failure must be an HTTP error status from 400 to 599, 'network' or 'lost-response', got ${JSON.stringify(failure)}.`,
    )
  const { retryAfter, body, methods } = options
  if (!isStatus && (retryAfter !== undefined || body !== undefined))
    throw new SyncSetupError(`failNext's retryAfter and body options only apply to a status failure, and '${String(failure)}' sends no answer. Leave them out.`)
  if (retryAfter !== undefined && !(typeof retryAfter === 'string' ? retryAfter.trim() !== '' : Number.isFinite(retryAfter) && retryAfter >= 0))
    throw new SyncSetupError(`failNext's retryAfter must be seconds (a number ≥ 0 or a string like '3') or an HTTP date, got ${JSON.stringify(retryAfter)}.`)
  if (methods !== undefined && (!Array.isArray(methods) || methods.length === 0 || !methods.every((method) => typeof method === 'string')))
    throw new SyncSetupError("failNext's methods option must list at least one HTTP method, e.g. ['POST', 'PATCH', 'DELETE']; leave it out to fail any request.")
  return {
    failure,
    ...(retryAfter === undefined ? {} : { retryAfter: String(retryAfter) }),
    ...(body === undefined ? {} : { body }),
    methods: methods === undefined ? null : new Set(methods.map((method) => method.toUpperCase())),
  }
}
