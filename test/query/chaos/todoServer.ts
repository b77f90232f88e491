import { http, HttpResponse } from 'msw'
import type { Clock, Work } from './clock'
import { createIdempotentWrites, type Answer } from './idempotentWrites'

export { isRefusedToken, type Application, type Fault } from './idempotentWrites'

export const baseUrl = 'http://query-chaos.test'

export interface Todo {
  id: string
  title: string
  done: boolean
}

/**
 * The todo server of the suite, in MSW: idempotent by `Idempotency-Key` (the answer to a key is stored
 * with the change, in the same step, and a repeated key gets the stored answer and changes nothing), a
 * queue of faults for the next writes, delays for the next reads, and a log of every change it made.
 */
export function createTodoServer(context: { clock: Clock; works: Map<string, Work> }) {
  const todos: Todo[] = []
  const writes = createIdempotentWrites<string>(context)
  const { write } = writes
  /** Delays of the next list reads, oldest first. */
  const slowReads: number[] = []
  let reads = 0

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
    answers: writes.answers,
    applications: writes.applications,
    faults: writes.faults,
    slowReads,
    handlers,
    counts: () => ({ reads, ...writes.counts() }),
    refusedTokens: writes.refusedTokens,
    reset() {
      todos.length = 0
      writes.reset()
      slowReads.length = 0
      reads = 0
    },
  }
}

export type TodoServer = ReturnType<typeof createTodoServer>
