import { useState, useSyncExternalStore, type FormEvent } from 'react'
import { backend, backendChanged, backendStore, initialLatency, type DemoBackend } from '../backend'
import type { DemoFailure } from '../demoProtocol'
import { startOver } from '../startOver'
import { Field } from './Field'

const failures: Array<{ value: string; label: string }> = [
  { value: '500', label: '500 Internal Server Error' },
  { value: '503', label: '503 Service Unavailable' },
  { value: '429', label: '429 Too Many Requests' },
  { value: '422', label: '422 Unprocessable Content' },
  { value: 'network', label: 'Connection drops' },
  { value: 'lost-response', label: 'Answer lost (applied, then dropped)' },
]

const latencies = [0, 300, 1000, 3000]

type ServerRecord = ReturnType<DemoBackend['records']>[number]

/** `GET /items?since=…` (REST) or `POST /sync/pull` (the sync server): the app asking what changed. */
const isPull = (method: string, path: string) => path.startsWith('/sync/pull') || (method === 'GET' && /^\/[^/?]+(\?|$)/.test(path))

const sampleNames = ['Tent', 'Sleeping bag', 'Camp stove']

/** `/items/7a8f974b-98db-…` rather than the whole UUID. */
const shortIds = (path: string) => path.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/gi, (id) => `${id.slice(0, 8)}…`)

/** Runs a control of the backend and refreshes the panel. */
function control(run: () => void): void {
  run()
  backendChanged()
}

function FailNextForm({ onQueued }: { onQueued(count: number): void }) {
  const [failure, setFailure] = useState('500')
  const [count, setCount] = useState('1')
  const [retryAfter, setRetryAfter] = useState('5')
  // Pulls go every few seconds: failing them too would use up the failures before a change is sent.
  const [pullsToo, setPullsToo] = useState(false)
  const takesRetryAfter = failure === '429' || failure === '503'
  const submit = (event: FormEvent) => {
    event.preventDefault()
    const times = Math.max(1, Number(count) || 1)
    const kind: DemoFailure = /^\d+$/.test(failure) ? Number(failure) : (failure as DemoFailure)
    const body = kind === 422 ? { message: 'Quantity is over the warehouse limit' } : undefined
    control(() =>
      backend().failNext(times, kind, {
        ...(takesRetryAfter && retryAfter !== '' ? { retryAfter: Number(retryAfter) } : {}),
        ...(body ? { body } : {}),
        writesOnly: !pullsToo,
      }),
    )
    onQueued(times)
  }
  return (
    <form className="server-form" onSubmit={submit} aria-label="Make requests fail">
      <Field label="Failure">
        {(id) => (
          <select id={id} value={failure} onChange={(event) => setFailure(event.target.value)}>
            {failures.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Requests">
        {(id) => (
          <input id={id} type="number" min={1} max={20} value={count} onChange={(event) => setCount(event.target.value)} />
        )}
      </Field>
      {takesRetryAfter && (
        <Field label="Retry-After (s)">
          {(id) => (
            <input id={id} type="number" min={0} value={retryAfter} onChange={(event) => setRetryAfter(event.target.value)} />
          )}
        </Field>
      )}
      <label className="check">
        <input type="checkbox" checked={pullsToo} onChange={(event) => setPullsToo(event.target.checked)} /> Pulls too
      </label>
      <button type="submit">Fail next requests</button>
    </form>
  )
}

/** Someone else edits an item on the server: its name and quantity. */
function RemoteEditForm({ record, label, onDone }: { record: ServerRecord; label: string; onDone(): void }) {
  const [name, setName] = useState(String(record.name ?? ''))
  const [quantity, setQuantity] = useState(String(record.quantity ?? 0))
  const submit = (event: FormEvent) => {
    event.preventDefault()
    const changes: Record<string, unknown> = {}
    if (name.trim() !== '' && name.trim() !== record.name) changes.name = name.trim()
    const count = Math.max(0, Number(quantity) || 0)
    if (count !== record.quantity) changes.quantity = count
    if (Object.keys(changes).length > 0) control(() => backend().editRemote('items', record.id, changes))
    onDone()
  }
  return (
    <form className="server-form" onSubmit={submit} aria-label={`Edit ${label} on the server`}>
      <Field label="Name">{(id) => <input id={id} value={name} onChange={(event) => setName(event.target.value)} />}</Field>
      <Field label="Quantity">
        {(id) => <input id={id} type="number" min={0} value={quantity} onChange={(event) => setQuantity(event.target.value)} />}
      </Field>
      <button type="submit">Save on server</button>
      <button type="button" onClick={onDone}>
        Cancel
      </button>
    </form>
  )
}

/**
 * One server record: `label` is what it shows ("Rope × 5"), `name` what its buttons are called after
 * ("Add 10 to Rope on the server"), which stays the same while the quantity changes under a screen reader.
 */
function RemoteRecord({ entity, record, label, name }: { entity: string; record: ServerRecord; label: string; name: string }) {
  const [editing, setEditing] = useState(false)
  if (editing) return <RemoteEditForm record={record} label={name} onDone={() => setEditing(false)} />
  return (
    <>
      <span>
        {label} <small>v{String(record.version)}</small>
      </span>
      <span className="row-actions">
        {entity === 'items' && (
          <>
            <button
              type="button"
              aria-label={`Add 10 to ${name} on the server`}
              onClick={() => control(() => backend().editRemote(entity, record.id, { quantity: Number(record.quantity ?? 0) + 10 }))}
            >
              +10
            </button>
            <button type="button" aria-label={`Edit ${name} on the server`} onClick={() => setEditing(true)}>
              Edit
            </button>
          </>
        )}
        <button type="button" aria-label={`Delete ${name} on the server`} onClick={() => control(() => backend().deleteRemote(entity, record.id))}>
          Delete
        </button>
      </span>
    </>
  )
}

function RecordList({
  entity,
  label,
  describe,
  nameOf,
}: {
  entity: string
  label: string
  describe(record: ServerRecord): string
  nameOf(record: ServerRecord): string
}) {
  const records = backend().records(entity)
  return (
    <>
      <h3>{label}</h3>
      {records.length === 0 ? (
        <p className="empty">None.</p>
      ) : (
        <ul className="server-records" aria-label={`Server ${entity}`}>
          {records.map((record) => (
            <li key={String(record.id)}>
              <RemoteRecord entity={entity} record={record} label={describe(record)} name={nameOf(record)} />
            </li>
          ))}
        </ul>
      )}
    </>
  )
}

/**
 * The mock server, in the page: its records (edit them "remotely" to cause conflicts), latency,
 * failures to inject, and the requests it received. The records are shared by every tab of the app;
 * the latency, failures and request log are this tab's.
 */
export function ServerPanel() {
  useSyncExternalStore(backendStore.subscribe, backendStore.getRevision)
  const [latency, setLatency] = useState(initialLatency)
  const [queued, setQueued] = useState({ count: 0, injectedBefore: 0 })
  const [showPulls, setShowPulls] = useState(false)
  const server = backend()
  const injected = server.requests.filter((request) => request.injected !== null).length
  const waiting = Math.max(0, queued.count - (injected - queued.injectedBefore))
  const listed = showPulls ? server.requests : server.requests.filter((request) => !isPull(request.method, request.path))
  const pulls = server.requests.length - server.requests.filter((request) => !isPull(request.method, request.path)).length
  const recent = listed.slice(-8).reverse()
  return (
    <aside className="server" aria-labelledby="server-heading">
      <h2 id="server-heading">{server.kind === 'server' ? 'Server' : 'Server (mock, in this page)'}</h2>
      {server.kind === 'server' ? (
        <p className="hint">
          rtk-offline/server on PGlite, in the dev server&apos;s process; its data is kept in a folder, so a restart keeps it.
          Every window of the app syncs through it.
        </p>
      ) : (
        <p className="hint">
          rtk-offline/msw answers the app&apos;s REST requests in a service worker and keeps its data in localStorage, shared by
          the app&apos;s tabs.
        </p>
      )}
      {server.setRunning && (
        <p>
          <button type="button" aria-pressed={!server.running} onClick={() => server.setRunning?.(!server.running)}>
            {server.running ? 'Stop server' : 'Start server'}
          </button>{' '}
          <span aria-live="polite">{server.running ? 'Running.' : 'Stopped: every request to it drops.'}</span>
        </p>
      )}
      <Field label="Latency">
        {(id) => (
          <select
            id={id}
            value={latency}
            onChange={(event) => {
              const ms = Number(event.target.value)
              setLatency(ms)
              control(() => backend().setLatency(ms))
            }}
          >
            {[...new Set([...latencies, latency])].map((ms) => (
              <option key={ms} value={ms}>
                {ms === 0 ? 'none' : `${ms} ms`}
              </option>
            ))}
          </select>
        )}
      </Field>
      <FailNextForm
        onQueued={(count) =>
          setQueued((previous) =>
            waiting === 0 ? { count, injectedBefore: injected } : { ...previous, count: previous.count + count },
          )
        }
      />
      <p className="hint" aria-live="polite">
        {waiting === 0 ? 'No failures queued.' : `${waiting} ${waiting === 1 ? 'request' : 'requests'} will fail.`}
      </p>
      <RecordList
        entity="items"
        label="Items"
        describe={(record) => `${String(record.name)} × ${String(record.quantity)}`}
        nameOf={(record) => String(record.name)}
      />
      <button
        type="button"
        className="quiet"
        onClick={() =>
          control(() => backend().seed('items', sampleNames.map((name, index) => ({ id: crypto.randomUUID(), name, quantity: 2 + index * 3 }))))
        }
      >
        Add sample items on the server
      </button>
      <RecordList
        entity="orders"
        label="Orders"
        describe={(record) => `#${String(record.id)} ${String(record.customer)}: ${String(record.quantity)}`}
        nameOf={(record) => `the order for ${String(record.customer)}`}
      />
      <h3>Requests</h3>
      <label className="check">
        <input type="checkbox" checked={showPulls} onChange={(event) => setShowPulls(event.target.checked)} /> Show pulls
        {!showPulls && pulls > 0 && ` (${pulls} hidden)`}
      </label>
      {recent.length === 0 ? (
        <p className="empty">None yet.</p>
      ) : (
        <ol className="server-log" aria-label="Recent requests">
          {recent.map((request) => (
            <li key={server.requests.indexOf(request)} data-status={String(request.status ?? '')}>
              <code title={request.idempotencyKey ? `${request.path}\nIdempotency-Key: ${request.idempotencyKey}` : request.path}>
                {request.method} {shortIds(request.path)}
              </code>{' '}
              → {request.status === undefined ? '…' : request.status === 'network' ? 'connection dropped' : request.status}
              {request.injected !== null && ' (injected)'}
              {request.replayed && ' (replayed)'}
            </li>
          ))}
        </ol>
      )}
      <button type="button" className="danger" onClick={() => void startOver()}>
        Start over
      </button>
      <p className="hint">Empties the server and the app&apos;s stored data, in every tab.</p>
    </aside>
  )
}
