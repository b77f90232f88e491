import { HttpResponse } from 'msw'

/** An answer before it becomes a `Response`: plain data, so it can be remembered and saved. */
export interface Reply {
  status: number
  /** A string is sent as text, anything else but undefined as JSON. */
  body?: unknown
  headers?: Record<string, string>
}

/** A 4xx answer with `{ message }`, the error shape the REST adapter reads. */
export function errorReply(status: number, message: string): Reply {
  return { status, body: { message } }
}

export function toResponse({ status, body, headers }: Reply): Response {
  const init = { status, headers }
  if (body === undefined) return new HttpResponse(null, init)
  if (typeof body === 'string') return HttpResponse.text(body, init)
  return HttpResponse.json(body, init)
}
