import type { ChaosClient } from './chaosClient'
import { scopeOf } from './chaosClient'
import type { Ledger } from './ledger'
import type { ReferenceBackend } from './referenceBackend'

/**
 * The checks at the end of a scenario, after heal, drain, pull, an abrupt reload of every client and
 * another drain and pull. Each counts what a user would see as wrong:
 *
 * LOST: an edit (its token) that its client made and stored, and that is not on the server in the scope
 *   (user) it was made under. An edit counts as stored ("durable") once its client flushed after making
 *   it, or when, at a crash of its client, storage held an op record carrying it (or the server already
 *   had it); an edit a crash took before it reached storage is forgiven. An edit does not have to be on
 *   the server when it was legitimately superseded:
 *   - its client deleted the record afterwards (coalesced away, or the delete went through),
 *   - the record was deleted on the server after the edit was made (by anyone; a record recreated
 *     later by a client-wins or "keep mine" create need not carry it),
 *   - a conflict was settled for the server's record: a server-wins decision (also last-write-wins when
 *     the server was later), or a person choosing "use theirs" for a parked conflict; but not when the
 *     conflict was only with the same client's own earlier writes (every server write between the op's
 *     base version and the conflicting version came from that client's ops): then the engine fought
 *     itself (an op applied and sent again under another body or key) and the edit it dropped is lost.
 *   An edit left "failed" is NOT accounted for: the heal phase retries every failed op (retryFailed),
 *   and the reference server refuses nothing a correct client sends (no validation errors are
 *   injected), so a change that still fails was lost to the user. The failure reason is printed.
 * LOST also counts a blind overwrite: an update or delete applied without If-Match on a record another
 *   client changed on the server after the edit was made (so the edit cannot have seen that change). A
 *   correct client sends the version it based the edit on and meets a conflict instead; applied
 *   blindly, the other client's change is overwritten (or deleted) without anyone being asked.
 * DUP: an edit applied by the server to a record that already held it (the same change applied twice),
 *   or applied in a scope (a user's account) other than the one it was made under: one user's change
 *   landing in another user's data is applied where it must never be.
 * DIVERGED: a client whose view (every record, every field, versions included) differs from the
 *   server's records of its signed-in user's scope, after everything was drained and pulled.
 * STUCK: after heal and drain, an op still waiting or in flight, a phase of 'syncing', or an op parked
 *   as a conflict that the person cannot see (no open conflict) or could not resolve.
 * ORPHANS: after a flush, op records in storage (signed-in user's namespace) that the store does not
 *   hold, or ops the store holds (ops + failed) that storage does not.
 */
export interface Finding {
  kind: 'lost' | 'dup' | 'diverged' | 'stuck' | 'orphans'
  detail: string
}

export function checkLost(ledger: Ledger, backend: ReferenceBackend, clients: readonly ChaosClient[]): Finding[] {
  const findings: Finding[] = []
  const applied = backend.appliedTokens()
  for (const entry of ledger.tokens.values()) {
    if (entry.durable === false) continue
    // Server-assigned ids: an edit made on a record's temporary id (`c<n>-n<k>`) is on the server under its
    // server id. (Another id is a server id already; created again after a delete, it gets a new one.)
    const serverIdOf = (id: string) => (/^c\d+-n\d+$/.test(id) ? backend.serverIdOf(entry.scope, id) : id)
    const recordId = serverIdOf(entry.recordId)
    const record = backend.records(entry.scope).get(recordId)
    if (record && `t_${entry.token}` in record) continue
    // A record deleted on the server and created again by a conflict's resolution ("keep mine") gets a new
    // server id where the server assigns them: its edits are on that record. A token is one edit's own,
    // so finding it on any record of the scope means the edit is there.
    if (backend.assignIds && [...backend.records(entry.scope).values()].some((other) => `t_${entry.token}` in other)) continue
    if (entry.superseded !== null) continue
    // Deleted later by the same client: under any id the record had, a new one from being created again
    // after a delete ("keep mine") too (protocol chaos seed 738 --max-steps=120: c0 kept its edit of 2 by
    // creating it again as 8, then deleted 8 itself).
    if (ledger.deletedLater(entry, (id) => backend.serverIdOf(entry.scope, id))) continue
    if (backend.deletedSince(entry.scope, recordId, entry.tick)) continue
    const where = applied.get(entry.token)
    const client = clients.find((c) => c.name === entry.client)
    const failed = client?.page.sync.selectors
      .selectFailed(client.page.store.getState())
      .find((op) => op.data && `t_${entry.token}` in op.data)
    findings.push({
      kind: 'lost',
      detail:
        `edit ${entry.token} by ${entry.client} on ${entry.scope}/${entry.recordId} (made at tick ${entry.tick}) is not on the server` +
        (record ? '' : ' (the record is not there)') +
        (where ? `; it was applied in scope ${[...where].join(', ')}` + (where.has(entry.scope) ? ' and later overwritten' : '') : '; it was never applied') +
        (failed ? `; listed as failed: ${failed.lastError?.code ?? '?'}: ${failed.lastError?.message ?? ''}` : ''),
    })
  }
  return findings
}

/**
 * Server-assigned ids: a reference (`parentId`) on the server naming a client's temporary id (`c<n>-n<k>`)
 * went out before the create it names was confirmed, or was never put to the server id: LOST (the
 * reference points nowhere). Not when that client deleted the record before its create reached the
 * server (seed 1773 --no-switches): the reference points nowhere by the user's own delete, as one to any
 * deleted record does, and there is no server id to put in.
 */
export function checkReferences(backend: ReferenceBackend, scopes: readonly string[], ledger: Ledger): Finding[] {
  const findings: Finding[] = []
  const deletedBeforeCreated = (scope: string, temporary: string) =>
    backend.serverIdOf(scope, temporary) === temporary && ledger.deletes.some((d) => d.scope === scope && d.recordId === temporary)
  for (const scope of scopes)
    for (const [id, record] of backend.records(scope))
      if (typeof record.parentId === 'string' && /^c\d+-n\d+$/.test(record.parentId) && !deletedBeforeCreated(scope, record.parentId))
        findings.push({ kind: 'lost', detail: `${scope}/${id} refers to the temporary id ${record.parentId} (server id ${backend.serverIdOf(scope, record.parentId)})` })
  return findings
}

export function checkBlindOverwrites(ledger: Ledger, backend: ReferenceBackend): Finding[] {
  const findings: Finding[] = []
  const clientOf = (key: string | null) => (key === null ? null : key.split('-')[0]!)
  for (const application of backend.applications) {
    if (application.kind === 'create' || application.ifMatch !== null || application.key === null) continue
    const op = ledger.ops.get(application.key)
    if (!op) continue
    const other = backend.applications.find(
      (a) => a.scope === application.scope && a.id === application.id && a.tick > op.lastTick && a.tick < application.tick && clientOf(a.key) !== op.client,
    )
    if (other)
      findings.push({
        kind: 'lost',
        detail:
          `${application.kind} of ${application.scope}/${application.id} by ${op.client} (op ${application.key}) was applied without If-Match ` +
          `over ${clientOf(other.key) ?? 'someone'}'s later ${other.kind} (op ${other.key ?? '?'}${other.tokens.length ? `, edit ${other.tokens.join(', ')}` : ''}): overwritten without a conflict`,
      })
  }
  return findings
}

export function checkDup(backend: ReferenceBackend, ledger?: Ledger): Finding[] {
  const findings: Finding[] = backend.applications
    .filter((a) => a.dupTokens.length > 0)
    .map((a) => ({
      kind: 'dup' as const,
      detail: `edit ${a.dupTokens.join(', ')} applied again to ${a.scope}/${a.id} by ${a.kind} with Idempotency-Key ${a.key ?? 'none'}`,
    }))
  if (ledger)
    for (const a of backend.applications) {
      const foreign = a.tokens.filter((token) => {
        const entry = ledger.tokens.get(token)
        return entry !== undefined && entry.scope !== a.scope
      })
      if (foreign.length > 0)
        findings.push({
          kind: 'dup',
          detail: `edit ${foreign.map((t) => `${t} (made under ${ledger.tokens.get(t)!.scope})`).join(', ')} applied in another user's account: ${a.scope}/${a.id} by ${a.kind} with Idempotency-Key ${a.key ?? 'none'}`,
        })
    }
  return findings
}

const stable = (value: unknown): string => JSON.stringify(value, (_key, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v))

export function checkDiverged(backend: ReferenceBackend, clients: readonly ChaosClient[]): Finding[] {
  const findings: Finding[] = []
  for (const client of clients) {
    for (const page of client.pages) {
      const scope = scopeOf(client.user)
      const server = backend.records(scope)
      const name = client.tabs > 1 ? `${client.name}#${page.tab}` : client.name
      const view = new Map(client.view(page.tab).map((record) => [String(record.id), record]))
      const problems: string[] = []
      for (const [id, record] of server) {
        const mine = view.get(id)
        if (!mine) problems.push(`${id} missing (server v${record.version})`)
        else if (stable(mine) !== stable(record)) problems.push(`${id} differs: view ${stable(mine)} server ${stable(record)}`)
      }
      for (const [id, record] of view) if (!server.has(id)) problems.push(`${id} shown but not on the server: ${stable(record)}`)
      if (problems.length > 0) findings.push({ kind: 'diverged', detail: `${name} (${scope}): ${problems.join('; ')}` })
    }
  }
  return findings
}

export function checkStuck(clients: readonly ChaosClient[], when: string): Finding[] {
  const findings: Finding[] = []
  for (const client of clients) {
    for (const page of client.pages) {
      const state = page.store.getState()
      const { sync } = page
      const name = client.tabs > 1 ? `${client.name}#${page.tab}` : client.name
      const status = sync.selectors.selectStatus(state)
      const ops = sync.selectors.selectOps(state).filter((op) => op.status !== 'failed')
      const open = new Set(sync.selectors.selectOpenConflicts(state).map((c) => c.seq))
      const problems: string[] = []
      for (const op of ops) {
        const what = `${op.kind} ${op.recordId} (op ${op.id}, seq ${op.seq}, attempts ${op.attempts})`
        if (op.status === 'conflict') problems.push(open.has(op.seq) ? `${what} still parked after resolving` : `${what} parked with no open conflict to resolve`)
        else problems.push(`${what} still ${op.status}${op.lastError ? ` (${op.lastError.code})` : ''}`)
      }
      if (status.phase === 'syncing') problems.push(`phase 'syncing' with ${status.pending} pending, ${status.inflight} in flight`)
      if (status.pending !== ops.length) problems.push(`pending count ${status.pending} but ${ops.length} ops in the outbox`)
      if (problems.length > 0) findings.push({ kind: 'stuck', detail: `${name} ${when}: ${problems.join('; ')}` })
    }
  }
  return findings
}

export async function checkOrphans(clients: readonly ChaosClient[], when: string): Promise<Finding[]> {
  const findings: Finding[] = []
  for (const client of clients) {
    for (const page of client.pages) {
      const stored = new Set(await client.storedOpIds())
      const state = page.store.getState()
      const name = client.tabs > 1 ? `${client.name}#${page.tab}` : client.name
      const live = new Set(page.sync.selectors.selectOps(state).map((op) => op.id))
      const extra: string[] = []
      for (const id of stored) if (!live.has(id)) extra.push(`${id} (${await client.storedOp(id)})`)
      const missing = [...live].filter((id) => !stored.has(id))
      if (extra.length + missing.length > 0)
        findings.push({
          kind: 'orphans',
          detail:
            `${name} ${when}: ` +
            [extra.length > 0 ? `stored but not live: ${extra.join(', ')}` : '', missing.length > 0 ? `live but not stored: ${missing.join(', ')}` : '']
              .filter(Boolean)
              .join('; '),
        })
    }
  }
  return findings
}
