import { http, HttpResponse } from 'msw'
import type { Clock, Work } from './clock'

export const baseUrl = 'http://query-chaos.test'

export interface Todo {
  id: string
  title: string
  done: boolean
}

/**
 * A fault for the next write request: `503` (nothing applied), `401` (an expired token: nothing applied), `drop` (applied, then the connection drops
 * before the answer: the client sees a network error), `slow` (the request takes `ms` of the clock, applied
 * before or after the wait).
 */
export type Fault = { kind: '503' } | { kind: '401' } | { kind: 'drop' } | { kind: 'slow'; ms: number; applyFirst: boolean }

/** One change the server made: under which key, for which token (the unique field of each mutation's arg). */
export interface Application {
  key: string | null
  token: string
  what: string
}

/** Tokens the server refuses (422): a mutation the app made to be refused carries one. */
export const isRefusedToken = (token: string) => token.startsWith('no-')

/**
 * The todo server of the suite, in MSW: idempotent by `Idempotency-Key` (the answer to a key is stored
 * with the change, in the same step, and a repeated key gets the stored answer and changes nothing), a
 * queue of faults for the next writes, delays for the next reads, and a log of every change it made.
 */
export function createTodoServer(context: { clock: Clock; works: Map<string, Work> }) {
  const todos: Todo[] = []
  const answers = new Map<string, { status: number; body: unknown; token: string }>()
  const applications: Application[] = []
  const faults: Fault[] = []
  /** Delays of the next list reads, oldest first. */
  const slowReads: number[] = []
  let reads = 0
  let dropped = 0
  let slowed = 0
  let failed = 0

  type Answer = { status: number; body: unknown }
  function apply(key: string | null, token: string, what: string, change: () => Answer): Answer {
    if (key !== null) {
      const stored = answers.get(key)
      if (stored) return stored
    }
    const answer = isRefusedToken(token) ? { status: 422, body: { message: `refused ${token}` } } : change()
    if (answer.status < 300) applications.push({ key, token, what })
    if (key !== null) answers.set(key, { ...answer, token })
    return answer
  }

  async function write(request: Request, token: (body: Record<string, unknown>) => string, what: string, change: (body: Record<string, unknown>) => Answer) {
    const body = (await request.json()) as Record<string, unknown>
    const key = request.headers.get('Idempotency-Key')
    const fault = faults.shift()
    const run = () => apply(key, token(body), what, () => change(body))
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

  const find = (id: unknown) => todos.find((todo) => todo.id === id)
  const notFound = (id: unknown): Answer => ({ status: 404, body: { message: `no todo ${String(id)}` } })

  const handlers = [
    http.get(`${baseUrl}/todos`, async ({ request }) => {
      reads += 1
      // Read when the request arrives: a slow answer brings the list as it was then.
      const snapshot = structuredClone(todos)
      const ms = slowReads.shift()
      if (ms !== undefined) {
        const work = context.works.get(request.headers.get('x-chaos-request') ?? '')
        work?.pause()
        await context.clock.sleep(ms)
        work?.resume()
      }
      return HttpResponse.json(snapshot)
    }),
    http.post(`${baseUrl}/todos`, ({ request }) =>
      write(request, (body) => String(body.title), 'add', (body) => {
        const todo: Todo = { id: String(body.id), title: String(body.title), done: body.done === true }
        todos.push(todo)
        return { status: 201, body: todo }
      }),
    ),
    http.patch(`${baseUrl}/todos/:id`, ({ request, params }) =>
      write(request, (body) => String(body.title), 'rename', (body) => {
        const todo = find(params.id)
        if (!todo) return notFound(params.id)
        todo.title = String(body.title)
        return { status: 200, body: { ...todo } }
      }),
    ),
    http.post(`${baseUrl}/todos/:id/toggle`, ({ request, params }) =>
      write(request, (body) => String(body.token), 'toggle', () => {
        const todo = find(params.id)
        if (!todo) return notFound(params.id)
        todo.done = !todo.done
        return { status: 200, body: { ...todo } }
      }),
    ),
  ]

  return {
    todos,
    answers,
    applications,
    faults,
    slowReads,
    handlers,
    counts: () => ({ reads, dropped, slowed, failed }),
    /** Tokens the server answered with a refusal (4xx) and never applied (a refusal retried under a new key may go through). */
    refusedTokens: () => {
      const applied = new Set(applications.map((application) => application.token))
      return new Set([...answers.values()].filter((answer) => answer.status >= 400 && !applied.has(answer.token)).map((answer) => answer.token))
    },
    reset() {
      todos.length = 0
      answers.clear()
      applications.length = 0
      faults.length = 0
      slowReads.length = 0
      reads = dropped = slowed = failed = 0
    },
  }
}

export type TodoServer = ReturnType<typeof createTodoServer>
