import type { LoggedRequest } from './types'

/**
 * The log entry of a request that just arrived, before its body is read: entries go into the log in
 * the order requests arrive, which is the order `failNext` failures are handed out in.
 */
export function startLogEntry(request: Request, path: string): LoggedRequest {
  const headers: Record<string, string> = {}
  request.headers.forEach((value, name) => (headers[name] = value))
  return {
    method: request.method.toUpperCase(),
    url: request.url,
    path,
    idempotencyKey: request.headers.get('Idempotency-Key'),
    ifMatch: request.headers.get('If-Match'),
    headers,
    body: undefined,
    status: undefined,
    injected: null,
    replayed: false,
  }
}

/** JSON when it parses, the text as it is when not, undefined when empty. */
export function parseBody(text: string): unknown {
  if (text === '') return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}
