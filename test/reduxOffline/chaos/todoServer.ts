import { http, HttpResponse } from 'msw'
import type { Clock, Work } from '../../query/chaos/clock'
import { isRefusedToken, type Fault } from '../../query/chaos/todoServer'

export { isRefusedToken, type Fault }

export const baseUrl = 'http://redux-offline-chaos.test'

export interface Todo {
  id: string
  title: string
}

/** One change the server made: under which key, for which token (each action's effect carries a unique one). */
export interface Application {
  key: string | null
  token: string
  what: 'create' | 'update' | 'delete'
}

type Answer = { status: number; body: unknown }

/**
 * The todo server of the suite, in MSW: creates, updates and deletes, idempotent by `Idempotency-Key` (the
 * answer to a key, refusals included, is stored with the change in the same step; a repeated key gets the
 * stored answer and changes nothing), a queue of faults for the next writes (as test/query/chaos/todoServer.ts:
 * 503, 401, an answer dropped after the change, a slow answer on the manual clock), and logs of every change
 * and of the order keys first arrived in. A token starting `no-` is refused (422); an update or a delete of a
 * todo that is not there is refused (404).
 */
export function createTodoServer(context: { clock: Clock; works: Map<string, Work> }) {
  const todos: Todo[] = []
  const answers = new Map<string, Answer & { token: string }>()
  const applications: Application[] = []
  /** Tokens in the order their first request arrived. */
  const arrivals: string[] = []
  const faults: Fault[] = []
  let dropped = 0
  let slowed = 0
  let failed = 0

  function apply(key: string | null, token: string, what: Application['what'], change: () => Answer): Answer {
    if (key !== null) {
      const stored = answers.get(key)
      if (stored) return stored
    }
    const answer = isRefusedToken(token) ? { status: 422, body: { message: `refused ${token}` } } : change()
    if (answer.status < 300) applications.push({ key, token, what })
    if (key !== null) answers.set(key, { ...answer, token })
    return answer
  }

  async function write(request: Request, what: Application['what'], change: (body: Record<string, unknown>) => Answer) {
    const body = (await request.json()) as Record<string, unknown>
    const token = String(body.token)
    if (!arrivals.includes(token)) arrivals.push(token)
    const key = request.headers.get('Idempotency-Key')
    const fault = faults.shift()
    const run = () => apply(key, token, what, () => change(body))
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
    http.post(`${baseUrl}/todos`, ({ request }) =>
      write(request, 'create', (body) => {
        if (find(body.id)) return { status: 409, body: { message: `todo ${String(body.id)} exists` } }
        const todo: Todo = { id: String(body.id), title: String(body.token) }
        todos.push(todo)
        return { status: 201, body: todo }
      }),
    ),
    http.patch(`${baseUrl}/todos/:id`, ({ request, params }) =>
      write(request, 'update', (body) => {
        const todo = find(params.id)
        if (!todo) return notFound(params.id)
        todo.title = String(body.token)
        return { status: 200, body: { ...todo } }
      }),
    ),
    http.delete(`${baseUrl}/todos/:id`, ({ request, params }) =>
      write(request, 'delete', () => {
        const at = todos.findIndex((todo) => todo.id === params.id)
        if (at < 0) return notFound(params.id)
        todos.splice(at, 1)
        return { status: 200, body: { id: params.id } }
      }),
    ),
  ]

  return {
    todos,
    answers,
    applications,
    arrivals,
    faults,
    handlers,
    counts: () => ({ dropped, slowed, failed }),
    /** Tokens the server answered with a refusal (4xx) and never applied. */
    refusedTokens: () => {
      const applied = new Set(applications.map((application) => application.token))
      return new Set([...answers.values()].filter((answer) => answer.status >= 400 && !applied.has(answer.token)).map((answer) => answer.token))
    },
    reset() {
      todos.length = 0
      answers.clear()
      applications.length = 0
      arrivals.length = 0
      faults.length = 0
      dropped = slowed = failed = 0
    },
  }
}

export type TodoServer = ReturnType<typeof createTodoServer>
