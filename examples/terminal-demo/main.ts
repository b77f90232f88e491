/**
 * rtk-offline in a terminal: a real Redux store goes offline, takes changes, comes back online against
 * a local REST backend, and shows what was sent and what the server ended up with.
 *
 * Run it with `npm run demo`. `runDemo` is exported so the test suite can run the same story in-process.
 */
import { configureStore, type UnknownAction } from '@reduxjs/toolkit'
import { realpathSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { isDeepStrictEqual } from 'node:util'
import { createManualNetworkStatus, createOfflineSync, createRestAdapter, createSyncedEntity } from '../../src/index'
import type { ManualNetworkStatus, OfflineSync, Operation, SyncStatus } from '../../src/index'
import { startServer, type ServedRequest, type ServerRecord } from './server'

export interface Todo {
  id: string
  title: string
  done: boolean
  /** The server's version, set once the server has confirmed the record. */
  version?: number
}

export interface DemoOptions {
  /**
   * Where the narration goes, one line per call.
   * @default console.log
   */
  log?: (line: string) => void
  /**
   * Make the server answer the first request with 503, to show a retry.
   * @default true
   */
  injectFailure?: boolean
  /**
   * Give up when the outbox has not emptied this long after going online.
   * @default 10_000
   */
  timeoutMs?: number
}

export interface DemoResult {
  /** True when the server holds exactly what the store shows and nothing failed. */
  ok: boolean
  /** Entity actions dispatched while offline. */
  actions: number
  /** Operations they became after coalescing: what had to be sent. */
  operations: number
  /** Requests the server failed on purpose (each one is sent again). */
  injectedFailures: number
  /** HTTP requests the server received. */
  requestCount: number
  requests: ServedRequest[]
  /** The server's records and the store's view, both sorted by id. */
  serverRecords: ServerRecord[]
  storeRecords: Todo[]
  matches: boolean
  /** Every line logged, in order. */
  lines: string[]
}

const LABEL_WIDTH = 9
const WHAT_WIDTH = 38

const todos = createSyncedEntity<Todo>({ name: 'todos', pull: false })

function buildStore(baseUrl: string, network: ManualNetworkStatus) {
  const sync = createOfflineSync({
    entities: [todos],
    adapter: createRestAdapter({ baseUrl }),
    network,
    // Short waits so the retry shows up within a second.
    retry: { baseDelayMs: 100, maxDelayMs: 1_000 },
  })
  const store = configureStore({
    reducer: { todos: todos.reducer, [sync.reducerPath]: sync.reducer },
    middleware: (getDefault) => getDefault().concat(sync.middleware),
  })
  return { store, sync }
}

type DemoStore = ReturnType<typeof buildStore>['store']

/** Runs the whole story and reports what happened. Never exits the process. */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const lines: string[] = []
  const print = options.log ?? ((line: string) => console.log(line))
  const log = (line = '') => {
    lines.push(line)
    print(line)
  }
  const row = (label: string, text: string) => log(`${label.padEnd(LABEL_WIDTH)}${text}`.trimEnd())
  const section = (title: string) => {
    log()
    log(`── ${title} ${'─'.repeat(Math.max(3, 60 - title.length))}`)
  }

  const server = await startServer({ onRequest: (request) => row('http', describeRequest(request)) })
  const network = createManualNetworkStatus(false)
  const { store, sync } = buildStore(server.url, network)
  const timeoutMs = options.timeoutMs ?? 10_000
  const injectFailure = options.injectFailure ?? true
  let actions = 0
  let operations = 0

  const status = () => sync.selectors.selectStatus(store.getState())
  const pendingLine = () => `pending ${sync.selectors.selectPendingCount(store.getState())}  ${status().phase}`
  const dispatch = (label: string, what: string, action: UnknownAction) => {
    store.dispatch(action)
    actions += 1
    row(label, `${what.padEnd(WHAT_WIDTH)}${pendingLine()}`)
  }
  const goOnline = async () => {
    const queued = sync.selectors.selectPendingCount(store.getState())
    operations += queued
    row('network', `online; ${plural(queued, 'operation')} to send`)
    const stopWatching = watchProgress(store, sync, row)
    try {
      network.setOnline(true)
      await waitUntilSynced(store, sync, timeoutMs)
    } finally {
      stopWatching()
    }
  }

  try {
    log('rtk-offline terminal demo: a Redux store that works offline and syncs when back online')
    row('backend', `${server.url}  (in memory, loopback only)`)

    section('1. Offline: make changes')
    row('network', `offline${' '.repeat(WHAT_WIDTH - 'offline'.length)}${pendingLine()}`)
    const before = actions
    dispatch('add', 't1 "Buy milk"', todos.actions.added({ id: 't1', title: 'Buy milk', done: false }))
    dispatch('add', 't2 "Write the report"', todos.actions.added({ id: 't2', title: 'Write the report', done: false }))
    dispatch('add', 't3 "Call the plumber"', todos.actions.added({ id: 't3', title: 'Call the plumber', done: false }))
    dispatch('add', 't4 "Book flights"', todos.actions.added({ id: 't4', title: 'Book flights', done: false }))
    dispatch('add', 't5 "Water the plants"', todos.actions.added({ id: 't5', title: 'Water the plants', done: false }))
    dispatch('edit', 't1 title → "Buy oat milk"', todos.actions.updated({ id: 't1', changes: { title: 'Buy oat milk' } }))
    dispatch('edit', 't1 done → true', todos.actions.updated({ id: 't1', changes: { done: true } }))
    dispatch('edit', 't2 title → "Write the Q3 report"', todos.actions.updated({ id: 't2', changes: { title: 'Write the Q3 report' } }))
    dispatch('edit', 't2 title → "Write the Q4 report"', todos.actions.updated({ id: 't2', changes: { title: 'Write the Q4 report' } }))
    dispatch('delete', 't3', todos.actions.removed('t3'))
    summariseOutbox(actions - before)

    section('2. Back online')
    if (injectFailure) {
      server.failNext(1, 503)
      row('backend', 'will answer the next request with 503, to show a retry')
    }
    await goOnline()
    row('synced', `${server.requestCount()} requests so far`)

    section('3. Offline again: change synced records')
    network.setOnline(false)
    row('network', `offline${' '.repeat(WHAT_WIDTH - 'offline'.length)}${pendingLine()}`)
    const before2 = actions
    dispatch('edit', 't4 done → true', todos.actions.updated({ id: 't4', changes: { done: true } }))
    dispatch('edit', 't4 title → "Book flights to Lisbon"', todos.actions.updated({ id: 't4', changes: { title: 'Book flights to Lisbon' } }))
    dispatch('delete', 't5', todos.actions.removed('t5'))
    dispatch('add', 't6 "Renew passport"', todos.actions.added({ id: 't6', title: 'Renew passport', done: false }))
    dispatch('edit', 't6 done → true', todos.actions.updated({ id: 't6', changes: { done: true } }))
    summariseOutbox(actions - before2)

    section('4. Online again')
    await goOnline()

    section('Result')
    const injectedFailures = server.requests().filter((request) => request.injected).length
    const requestCount = server.requestCount()
    row(
      'requests',
      `${requestCount} HTTP requests for ${plural(operations, 'operation')} from ${plural(actions, 'action')}` +
        (injectedFailures > 0 ? ` (${injectedFailures} failed on purpose and sent again)` : ''),
    )
    const serverRecords = sortById(server.records('todos'))
    const storeRecords = sortById(todos.selectors.selectAll(store.getState()))
    log()
    log(`${'id'.padEnd(4)}${'server'.padEnd(WHAT_WIDTH)}store`)
    for (const id of [...new Set([...serverRecords, ...storeRecords].map((record) => String(record.id)))].sort()) {
      const onServer = serverRecords.find((record) => String(record.id) === id)
      const inStore = storeRecords.find((record) => String(record.id) === id)
      log(`${id.padEnd(4)}${describeRecord(onServer).padEnd(WHAT_WIDTH)}${describeRecord(inStore)}`)
    }
    log()
    const matches = isDeepStrictEqual(serverRecords, storeRecords)
    const { failed } = status()
    const conflicts = sync.selectors.selectConflicts(store.getState()).length
    row('match', matches ? 'yes: the server holds exactly what the store shows' : 'NO: the server and the store differ')
    if (failed > 0 || conflicts > 0) row('problems', `${plural(failed, 'failed operation')}, ${plural(conflicts, 'conflict')}`)
    return {
      ok: matches && failed === 0 && conflicts === 0,
      actions,
      operations,
      injectedFailures,
      requestCount,
      requests: server.requests(),
      serverRecords,
      storeRecords,
      matches,
      lines,
    }
  } finally {
    // The engine has no stop(); going offline ends its drain and clears its retry timer, so nothing keeps
    // sending to a closed server (and holding the process open) after a failed run.
    network.setOnline(false)
    await server.close()
  }

  function summariseOutbox(actionCount: number): void {
    const ops = sync.selectors.selectOps(store.getState())
    row('', `${plural(actionCount, 'action')} became ${plural(ops.length, 'operation')} in the outbox (coalesced):`)
    for (const op of ops) row('outbox', describeOp(op))
    row('', `the backend has received ${plural(server.requestCount(), 'request')} so far`)
  }
}

/** Logs the sync status each time its phase or counts change (not the status it starts from); returns a function that stops it. */
function watchProgress(store: DemoStore, sync: OfflineSync, row: (label: string, text: string) => void): () => void {
  const keyOf = ({ phase, pending, inflight, nextAttemptAt }: SyncStatus) => `${phase}|${pending}|${inflight}|${nextAttemptAt ?? ''}`
  let last = keyOf(sync.selectors.selectStatus(store.getState()))
  return store.subscribe(() => {
    const state = store.getState()
    const status = sync.selectors.selectStatus(state)
    const key = keyOf(status)
    if (key === last) return
    last = key
    const { phase, pending, inflight, nextAttemptAt } = status
    let text = `${phase.padEnd(8)} pending ${pending}  in flight ${inflight}`
    if (phase === 'backoff' && nextAttemptAt !== null) {
      text += `  retry in ${Math.max(0, nextAttemptAt - Date.now())} ms`
      // The status's lastError is cleared when other operations of the same batch succeed, so ask the operations too.
      const error = status.lastError ?? sync.selectors.selectOps(state).find((op) => op.lastError !== null)?.lastError
      if (error) text += `: ${error.message}`
    }
    row('sync', text)
  })
}

/** Resolves once nothing waits or is in flight; rejects after `timeoutMs`. Watches the store, no polling. */
function waitUntilSynced(store: DemoStore, sync: OfflineSync, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const isDone = () => {
      const { pending, inflight } = sync.selectors.selectStatus(store.getState())
      return pending === 0 && inflight === 0
    }
    if (isDone()) return resolve()
    const unsubscribe = store.subscribe(() => {
      if (!isDone()) return
      clearTimeout(timer)
      unsubscribe()
      resolve()
    })
    const timer = setTimeout(() => {
      unsubscribe()
      const { phase, pending, lastError } = sync.selectors.selectStatus(store.getState())
      reject(
        new Error(
          `the outbox still holds ${plural(pending, 'operation')} after ${timeoutMs} ms (phase: ${phase}` +
            `${lastError ? `, last error: ${lastError.message}` : ''}).`,
        ),
      )
    }, timeoutMs)
  })
}

function describeOp(op: Operation): string {
  const ifMatch = op.baseVersion === null ? '' : `  If-Match "${op.baseVersion}"`
  const data = op.data === null ? '' : `  ${JSON.stringify(op.data)}`
  return `${op.kind.padEnd(7)}${String(op.recordId)}${data}${ifMatch}`
}

function describeRequest(request: ServedRequest): string {
  const notes = [
    request.ifMatch === null ? '' : `If-Match ${request.ifMatch}`,
    request.version === null ? '' : `→ v${request.version}`,
    request.injected ? '(injected failure)' : '',
    request.replayed ? '(replayed: same Idempotency-Key)' : '',
  ].filter(Boolean)
  return `${request.method.padEnd(7)}${request.path.padEnd(13)}${String(request.status).padEnd(5)}${notes.join('  ')}`
}

function describeRecord(record: { title?: unknown; done?: unknown; version?: unknown } | undefined): string {
  if (!record) return '—'
  const version = typeof record.version === 'number' ? `v${record.version}` : 'v?'
  return `${version.padEnd(4)}${record.done === true ? '[x]' : '[ ]'} ${String(record.title)}`
}

function sortById<TRecord extends { id: string | number }>(records: readonly TRecord[]): TRecord[] {
  return [...records].sort((a, b) => String(a.id).localeCompare(String(b.id)))
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}

function isEntryPoint(): boolean {
  const script = process.argv[1]
  if (!script) return false
  try {
    return import.meta.url === pathToFileURL(realpathSync(script)).href
  } catch {
    return false
  }
}

if (isEntryPoint()) {
  runDemo()
    .then((result) => {
      if (!result.ok) console.error('\nThe demo did not end in sync; see the lines above.')
      process.exit(result.ok ? 0 : 1)
    })
    .catch((error: unknown) => {
      console.error(`\nThe demo failed: ${error instanceof Error ? error.message : String(error)}`)
      process.exit(1)
    })
}
