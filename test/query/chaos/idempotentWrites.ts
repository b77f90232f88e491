import { HttpResponse } from 'msw'
import type { Clock, Work } from './clock'

/**
 * A fault for the next write request: `503` (nothing applied), `401` (an expired token: nothing applied), `drop` (applied, then the connection drops
 * before the answer: the client sees a network error), `slow` (the request takes `ms` of the clock, applied
 * before or after the wait).
 */
export type Fault = { kind: '503' } | { kind: '401' } | { kind: 'drop' } | { kind: 'slow'; ms: number; applyFirst: boolean }

/** One change the server made: under which key, for which token (each change's unique field), and what it was. */
export interface Application<TWhat extends string = string> {
  key: string | null
  token: string
  what: TWhat
}

/** What a write route answers: its status and body. */
export type Answer = { status: number; body: unknown }

/** Tokens the server refuses (422): a change the app made to be refused carries one. */
export const isRefusedToken = (token: string) => token.startsWith('no-')

/**
 * The write side the chaos suites' MSW todo servers share (test/query/chaos, test/reduxOffline/chaos):
 * idempotent by `Idempotency-Key` (the answer to a key, refusals included, is stored with the change in the
 * same step; a repeated key gets the stored answer and changes nothing), a queue of faults for the next
 * writes, and a log of every change applied. A token starting `no-` is refused (422).
 */
export function createIdempotentWrites<TWhat extends string>(context: { clock: Clock; works: Map<string, Work> }) {
  const answers = new Map<string, Answer & { token: string }>()
  const applications: Application<TWhat>[] = []
  const faults: Fault[] = []
  let dropped = 0
  let slowed = 0
  let failed = 0

  function apply(key: string | null, token: string, what: TWhat, change: () => Answer): Answer {
    if (key !== null) {
      const stored = answers.get(key)
      if (stored) return stored
    }
    const answer = isRefusedToken(token) ? { status: 422, body: { message: `refused ${token}` } } : change()
    if (answer.status < 300) applications.push({ key, token, what })
    if (key !== null) answers.set(key, { ...answer, token })
    return answer
  }

  /** Handles one write request: `token` reads the change's token from the body (when it arrives), `change` applies it. */
  async function write(request: Request, token: (body: Record<string, unknown>) => string, what: TWhat, change: (body: Record<string, unknown>) => Answer) {
    const body = (await request.json()) as Record<string, unknown>
    const arrived = token(body)
    const key = request.headers.get('Idempotency-Key')
    const fault = faults.shift()
    const run = () => apply(key, arrived, what, () => change(body))
    let answer: Answer
    if (fault?.kind === 'slow') {
      slowed += 1
      const work = context.works.get(request.headers.get('x-chaos-request') ?? '')
      if (fault.applyFirst) answer = run()
      work?.pause()
      await context.clock.sleep(fault.ms)
      work?.resume()
      answer = fault.applyFirst ? answer! : run()
    } else if (fault?.kind === '503') {
      failed += 1
      return HttpResponse.json({ message: 'unavailable' }, { status: 503 })
    } else if (fault?.kind === '401') {
      failed += 1
      return HttpResponse.json({ message: 'token expired' }, { status: 401 })
    } else {
      answer = run()
      if (fault?.kind === 'drop') {
        dropped += 1
        return HttpResponse.error()
      }
    }
    return HttpResponse.json(answer.body as never, { status: answer.status })
  }

  return {
    answers,
    applications,
    faults,
    write,
    counts: () => ({ dropped, slowed, failed }),
    /** Tokens the server answered with a refusal (4xx) and never applied (a refusal retried under a new key may go through). */
    refusedTokens: () => {
      const applied = new Set(applications.map((application) => application.token))
      return new Set([...answers.values()].filter((answer) => answer.status >= 400 && !applied.has(answer.token)).map((answer) => answer.token))
    },
    reset() {
      answers.clear()
      applications.length = 0
      faults.length = 0
      dropped = slowed = failed = 0
    },
  }
}
