import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const ENTRY = fileURLToPath(new URL('./serverInstance.ts', import.meta.url))

/** A sync server instance in a child process (serverInstance.ts), which can be killed and started again on its port. */
export interface ServerProcess {
  readonly name: string
  /** The port it listens on; the same after a restart, so clients keep their base URL. */
  readonly port: number
  readonly baseUrl: string
  /** Lines the process wrote to stderr (errors the server answered as 5xx, crashes). */
  readonly errors: string[]
  /** Kills the process with SIGKILL (no clean-up: requests in flight die with it) and waits for it to be gone. */
  kill(): Promise<void>
  /** Starts the process again on the same port and waits until it listens. */
  restart(): Promise<void>
  /** Stops it with SIGTERM (SIGKILL after 3 s) and waits for it to exit. */
  stop(): Promise<void>
}

export interface ServerProcessOptions {
  databaseUrl: string
  schema: string
}

/** Starts one instance and resolves once it listens. */
export async function startServerProcess(name: string, options: ServerProcessOptions): Promise<ServerProcess> {
  const errors: string[] = []
  let child: ChildProcess
  let port = 0

  const launch = async (wanted: number): Promise<void> => {
    child = spawn(process.execPath, ['--import', 'tsx', ENTRY], {
      env: {
        ...process.env,
        RTK_OFFLINE_TEST_DATABASE_URL: options.databaseUrl,
        RTK_OFFLINE_SCALE_SCHEMA: options.schema,
        RTK_OFFLINE_SCALE_PORT: String(wanted),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    child.stderr!.setEncoding('utf8')
    child.stderr!.on('data', (chunk: string) => errors.push(`${name}: ${chunk.trim()}`))
    port = await new Promise<number>((resolve, reject) => {
      let out = ''
      const onExit = (code: number | null) => reject(new Error(`server ${name} exited (${code}) before listening: ${errors.join('\n')}`))
      child.once('exit', onExit)
      child.stdout!.setEncoding('utf8')
      child.stdout!.on('data', (chunk: string) => {
        out += chunk
        const line = out.split('\n').find((candidate) => candidate.startsWith('{'))
        if (!line) return
        child.off('exit', onExit)
        resolve((JSON.parse(line) as { port: number }).port)
      })
    })
  }

  const exited = (signal: NodeJS.Signals, graceMs: number): Promise<void> =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve()
      const force = setTimeout(() => child.kill('SIGKILL'), graceMs)
      child.once('exit', () => {
        clearTimeout(force)
        resolve()
      })
      child.kill(signal)
    })

  await launch(0)
  return {
    name,
    get port() {
      return port
    },
    get baseUrl() {
      return `http://127.0.0.1:${port}`
    },
    errors,
    kill: () => exited('SIGKILL', 0),
    restart: () => launch(port),
    stop: () => exited('SIGTERM', 3000),
  }
}
