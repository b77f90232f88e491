import { fork } from 'node:child_process'

/** A control message to a forked bench server, without the `id` the call adds. */
export type ControlRequest<TMessage> = TMessage extends { id: number } ? Omit<TMessage, 'id'> : never

/** A bench server in a child process: its port, a request/answer call over IPC, and a way to end it. */
export interface ForkedServer<TMessage> {
  port: number
  /** Sends a control message and resolves with the child's answer (rejects on `{ error }` or once the child has exited). */
  call(message: ControlRequest<TMessage>): Promise<Record<string, unknown>>
  /** Resolves once the child has exited; `graceful` disconnects first so it can close its database, killing it after 10 s. */
  close(options?: { graceful: boolean }): Promise<void>
}

/**
 * Forks `file` with tsx and resolves once it reports `{ type: 'ready', port }`. The child answers each
 * control message `{ id, … }` with a message carrying the same id. Shared by the benchmark backend and
 * the reference sync server's bench child.
 */
export async function forkServer<TMessage>(options: { file: URL; env: NodeJS.ProcessEnv; name: string; startTimeoutMs: number }): Promise<ForkedServer<TMessage>> {
  const { name } = options
  const child = fork(new URL(options.file), [], { execArgv: ['--import', 'tsx'], env: options.env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const waiting = new Map<number, (reply: Record<string, unknown>) => void>()
  let nextId = 1
  let exited = false

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bench: the ${name} did not start within ${options.startTimeoutMs / 1000} s`)), options.startTimeoutMs)
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`bench: the ${name} exited with ${code} before listening`)))
    child.on('message', (message: { type?: string; port?: number; id?: number }) => {
      if (message.type === 'ready' && typeof message.port === 'number') {
        clearTimeout(timer)
        resolve(message.port)
      } else if (typeof message.id === 'number') {
        waiting.get(message.id)?.(message as Record<string, unknown>)
        waiting.delete(message.id)
      }
    })
  })
  child.removeAllListeners('exit')
  child.on('exit', () => {
    exited = true
    for (const settle of waiting.values()) settle({ error: `the ${name} exited` })
    waiting.clear()
  })

  return {
    port,
    call: (message) =>
      new Promise((resolve, reject) => {
        if (exited) return reject(new Error(`bench: the ${name} has exited`))
        const id = nextId++
        waiting.set(id, (reply) => (reply.error ? reject(new Error(String(reply.error))) : resolve(reply)))
        child.send({ ...message, id })
      }),
    close: (closeOptions) =>
      new Promise<void>((resolve) => {
        if (exited) return resolve()
        child.once('exit', () => resolve())
        if (!closeOptions?.graceful) return void child.kill()
        child.disconnect()
        setTimeout(() => child.kill(), 10_000).unref()
      }),
  }
}
