import { http } from 'msw'
import type { Clock, Work } from '../../query/chaos/clock'
import { createIdempotentWrites, type Answer, type Application as WriteApplication } from '../../query/chaos/idempotentWrites'

export { isRefusedToken, type Fault } from '../../query/chaos/idempotentWrites'

export const baseUrl = 'http://redux-offline-chaos.test'

export interface Todo {
  id: string
  title: string
}

/** One change the server made: under which key, for which token (each action's effect carries a unique one). */
export type Application = WriteApplication<'create' | 'update' | 'delete'>

/**
 * The todo server of the suite, in MSW: creates, updates and deletes, idempotent by `Idempotency-Key` (the
 * answer to a key, refusals included, is stored with the change in the same step; a repeated key gets the
 * stored answer and changes nothing), a queue of faults for the next writes (test/query/chaos/idempotentWrites.ts, shared with the query suite:
 * 503, 401, an answer dropped after the change, a slow answer on the manual clock), and logs of every change
 * and of the order keys first arrived in. A token starting `no-` is refused (422); an update or a delete of a
 * todo that is not there is refused (404).
 */
export function createTodoServer(context: { clock: Clock; works: Map<string, Work> }) {
  const todos: Todo[] = []
  const writes = createIdempotentWrites<Application['what']>(context)
  /** Tokens in the order their first request arrived. */
  const arrivals: string[] = []
  /** A write whose token is logged as it arrives, whatever befalls the request then. */
  const write = (request: Request, what: Application['what'], change: (body: Record<string, unknown>) => Answer) =>
    writes.write(
      request,
      (body) => {
        const token = String(body.token)
        if (!arrivals.includes(token)) arrivals.push(token)
        return token
      },
      what,
      change,
    )

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
    answers: writes.answers,
    applications: writes.applications,
    arrivals,
    faults: writes.faults,
    handlers,
    counts: writes.counts,
    refusedTokens: writes.refusedTokens,
    reset() {
      todos.length = 0
      arrivals.length = 0
      writes.reset()
    },
  }
}

export type TodoServer = ReturnType<typeof createTodoServer>
