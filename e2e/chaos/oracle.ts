import type { Ledger } from '../../test/chaos/ledger'
import { checkBlindOverwrites } from '../../test/chaos/oracle'
import type { ReferenceBackend } from '../../test/chaos/referenceBackend'
import type { AppliedKey, PushedOperation, ServerApplication } from './chaosServer'
import { tokensOf, type Note, type PageReport, type TabSnapshot } from './harnessApi'

/**
 * The checks at the end of a browser scenario, after every device is back online, has visited each user
 * it signed in (so every user's outbox drained) and pulled. The rules are the Node chaos suite's
 * (test/chaos/oracle.ts), on what a real browser and the real server hold:
 *
 * LOST: an edit (its token) that is durable and is not on the server's record in the scope (user) it was
 *   made under. Durable: a flush of its device that began after the edit finished; or, at a crash of its
 *   tab or device, IndexedDB held an op record with it or the server had received it. An edit a crash took
 *   before anything stored it is forgiven. As in the Node suite (test/chaos/oracle.ts, whose rules and
 *   backend log are used here), an edit need not be on the server when it was legitimately superseded:
 *   - its device deleted the record afterwards;
 *   - the record was deleted on the server after the edit was made (by anyone);
 *   - a conflict was settled for the server's record (server-wins, last-write-wins when the server was
 *     later, merge on a record deleted remotely, a person's "use theirs"), unless the conflict was only
 *     with the same device's own writes (the engine fought itself).
 *   LOST also counts a blind overwrite: an update or delete applied without a base version over another
 *   device's later change (the Node suite's checkBlindOverwrites).
 * DUP (the Node suite's rule, on the server's applications in order): an edit applied to a record that
 *   already held it (the same change applied twice; a record created again after a delete, by a "keep
 *   mine" or client-wins, starts empty and may carry its old edits); with server ids, a temporary id
 *   created twice (two records for one); an edit applied in a scope other than the user it was made
 *   under (one user's change in another user's data). Also a key the server received with two different
 *   bodies (an operation that changed after it may have been sent).
 * REFUSED: a key the server answered with a refusal other than a conflict (422, other 4xx; 404, 409 and
 *   412 are conflicts, judged below): a correct client sends nothing the server refuses.
 * CONFLICT: a conflict a page met (its report) where every server write of the record between the
 *   change's base version and the server's record came from the same device (selfInflicted): nobody else
 *   changed it, so the engine met its own writes (applied twice, or sent on a stale base).
 * DIVERGED: a tab whose notes (every field, versions included) differ from the server's notes of its
 *   signed-in user.
 * STUCK: an operation left in the outbox (waiting, in flight, failed or parked), a phase of 'syncing', or a
 *   tab whose outbox belongs to another user than the one the app signed in.
 * ORPHANS: after a flush, op records in IndexedDB (the signed-in user's) that the store does not hold, or
 *   the other way round.
 */
export interface BrowserFinding {
  kind: 'lost' | 'dup' | 'refused' | 'conflict' | 'diverged' | 'stuck' | 'orphans'
  detail: string
}

export interface FinalTab {
  device: string
  tab: number
  snapshot: TabSnapshot
  storedOpIds: string[]
}

export interface OracleInput {
  ledger: Ledger
  pushed: readonly PushedOperation[]
  applied: readonly AppliedKey[]
  /** The server's applications as the fault layer read their answers, in order. */
  serverApplications: readonly ServerApplication[]
  /** The server's applications on the ledger's clock, in the Node suite's backend log. */
  applications: ReferenceBackend
  /** The id a record has on the server: the one the server gave a create sent under a temporary id, else the id itself. */
  serverIdOf: (scope: string, id: string) => string
  /** Whether the server assigned ids in this scenario. */
  serverIds: boolean
  /** What the pages reported: conflicts settled, parked changes dropped for the server's record. */
  reports: readonly PageReport[]
  serverRecords: (user: string) => Promise<Note[]>
  tabs: readonly FinalTab[]
}

const ok = (status: number | null) => status !== null && status >= 200 && status < 300

export async function checkAll(input: OracleInput): Promise<BrowserFinding[]> {
  const conflicts = judgeConflicts(input)
  const blind = checkBlindOverwrites(input.ledger, input.applications).map((finding): BrowserFinding => ({ kind: 'lost', detail: finding.detail }))
  return [...(await checkLost(input)), ...blind, ...checkDup(input), ...conflicts, ...(await checkTabs(input))]
}

/**
 * The pages' reports, by the Node suite's rule: a change dropped for the server's record is superseded
 * (on purpose) when someone else's write made the conflict; a conflict made only by the device's own
 * writes is a finding, and its dropped change is not excused.
 */
function judgeConflicts({ ledger, applications, reports }: OracleInput): BrowserFinding[] {
  const findings: BrowserFinding[] = []
  for (const report of reports) {
    const scope = report.user ?? 'nobody'
    const own = applications.selfInflicted(scope, report.recordId, report.base, report.remote, report.device)
    const name = `${report.device}#${report.tab}`
    if (report.type === 'conflict' && own)
      findings.push({
        kind: 'conflict',
        detail: `${name}: ${report.kind} ${scope}/${report.recordId} (op ${report.opId}) met only its device's own writes (base v${String(report.base?.version ?? '-')}, server v${String(report.remote?.version ?? 'gone')}), settled ${report.resolution}`,
      })
    const dropped = report.type === 'theirs' || report.resolution === 'server-wins'
    if (dropped && !own) ledger.supersede(report.data, `${report.resolution} on ${name} (op ${report.opId})`)
  }
  return findings
}

async function checkLost({ ledger, pushed, applied, applications, serverIdOf, serverIds, serverRecords }: OracleInput): Promise<BrowserFinding[]> {
  const findings: BrowserFinding[] = []
  const byScope = new Map<string, Map<string, Note>>()
  const recordsOf = async (scope: string) => {
    let records = byScope.get(scope)
    if (!records) byScope.set(scope, (records = new Map((await serverRecords(scope)).map((note) => [String(note.id), note]))))
    return records
  }
  const status = new Map(applied.map((row) => [`${row.scope}\u0000${row.key}`, row.status]))
  for (const entry of ledger.tokens.values()) {
    if (entry.durable === false) continue
    const idOf = (id: string) => serverIdOf(entry.scope, id)
    const records = await recordsOf(entry.scope)
    const record = records.get(idOf(entry.recordId))
    if (record && `t_${entry.token}` in record) continue
    // Server ids: a record deleted on the server and created again by a conflict's "keep mine" gets a new
    // id; a token is one edit's own, so on any record of the scope the edit is there (the Node suite's rule).
    if (serverIds && [...records.values()].some((other) => `t_${entry.token}` in other)) continue
    if (entry.superseded !== null) continue
    if (ledger.deletedLater(entry, idOf)) continue
    if (applications.deletedSince(entry.scope, idOf(entry.recordId), entry.tick)) continue
    const carriers = pushed.filter((op) => tokensOf(op.data).includes(entry.token))
    findings.push({
      kind: 'lost',
      detail:
        `edit ${entry.token} by ${entry.writer} on ${entry.scope}/${entry.recordId}${idOf(entry.recordId) === entry.recordId ? '' : ` (server id ${idOf(entry.recordId)})`} (tick ${entry.tick}) is not on the server` +
        (record ? '' : ' (the record is not there)') +
        (carriers.length === 0
          ? '; no push carried it'
          : `; pushed as ${carriers.map((op) => `${op.kind} ${op.key} under ${op.user}${op.fault ? ` (${op.fault})` : ''} → ${String(status.get(`${op.user}\u0000${op.key}`) ?? 'no row')}`).join(', ')}`),
    })
  }
  return findings
}

function checkDup({ ledger, pushed, applied, applications, serverApplications }: OracleInput): BrowserFinding[] {
  const findings: BrowserFinding[] = []
  const bodies = new Map<string, PushedOperation>()
  for (const op of pushed) {
    const first = bodies.get(`${op.user}\u0000${op.key}`)
    if (!first) bodies.set(`${op.user}\u0000${op.key}`, op)
    else if (JSON.stringify(first.data) !== JSON.stringify(op.data) || first.kind !== op.kind || first.recordId !== op.recordId)
      findings.push({ kind: 'dup', detail: `key ${op.key} sent by ${op.device} with two bodies: ${first.kind} ${JSON.stringify(first.data)} then ${op.kind} ${JSON.stringify(op.data)}` })
  }
  for (const row of applied) {
    const op = bodies.get(`${row.scope}\u0000${row.key}`)
    if (!op) continue
    // A conflict answer is the server's word that someone else changed the record: not when only this
    // device ever wrote it (it created it, and every write since was its own): then it met its own writes.
    const conflict = row.status === 404 || row.status === 409 || row.status === 412
    const writes = applications.applications.filter((a) => a.scope === row.scope && a.id === op.recordId)
    const onlyOwn = writes.some((a) => a.kind === 'create') && writes.every((a) => a.key?.split('-')[0] === op.device)
    if (!ok(row.status) && (!conflict || onlyOwn) && !(row.status === 404 && op.kind === 'delete'))
      findings.push({ kind: 'refused', detail: `${op.kind} ${row.scope}/${op.recordId} (key ${row.key}, from ${op.device}) was answered ${String(row.status)}` })
  }
  const held = new Map<string, Set<string>>()
  const createdFrom = new Map<string, string>()
  for (const a of serverApplications) {
    const slot = `${a.scope}/${a.recordId}`
    for (const token of a.tokens) {
      const entry = ledger.tokens.get(token)
      if (entry && entry.scope !== a.scope)
        findings.push({ kind: 'dup', detail: `edit ${token} made under ${entry.scope} by ${entry.writer} was applied in ${a.scope}'s data (${a.kind} ${slot}, key ${a.key})` })
    }
    if (a.kind === 'delete') {
      held.delete(slot)
      continue
    }
    // A create starts a record afresh (a new one, or one deleted before: its old edits may come back with it).
    const tokens = a.kind === 'create' ? new Set<string>() : (held.get(slot) ?? new Set<string>())
    const again = a.tokens.filter((token) => tokens.has(token))
    if (again.length > 0) findings.push({ kind: 'dup', detail: `edit ${again.join(', ')} applied again to ${slot} by ${a.kind} ${a.key} from ${a.device}` })
    // Server ids: one temporary id (`d0-n3`, as the driver makes them) created twice is two records for one
    // note. (A "keep mine" of a note deleted remotely creates it again from its server id: a new record, rightly.)
    if (a.kind === 'create' && a.sentId !== a.recordId && /^d\d+-n\d+$/.test(a.sentId)) {
      const first = createdFrom.get(`${a.scope}/${a.sentId}`)
      if (first !== undefined) findings.push({ kind: 'dup', detail: `${a.scope}/${a.sentId} created twice: as ${first} and as ${a.recordId} (key ${a.key})` })
      else createdFrom.set(`${a.scope}/${a.sentId}`, a.recordId)
    }
    for (const token of a.tokens) tokens.add(token)
    for (const token of a.cleared) tokens.delete(token)
    held.set(slot, tokens)
  }
  return findings
}

/** JSON with object keys sorted (PostgreSQL's jsonb keeps its own key order). */
export const stable = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v))

async function checkTabs({ tabs, serverRecords }: OracleInput): Promise<BrowserFinding[]> {
  const findings: BrowserFinding[] = []
  for (const { device, tab, snapshot, storedOpIds } of tabs) {
    const name = `${device}#${tab}`
    const user = snapshot.signedIn ?? 'nobody'
    const problems: string[] = []
    if (snapshot.outboxUser !== snapshot.signedIn) problems.push(`outbox of ${String(snapshot.outboxUser)} while ${String(snapshot.signedIn)} is signed in`)
    for (const op of snapshot.ops) problems.push(`${op.kind} ${op.recordId} (op ${op.id}, user ${String(op.userId)}, attempts ${op.attempts}) still ${op.status}${op.lastError ? ` (${op.lastError})` : ''}`)
    if (snapshot.phase === 'syncing') problems.push(`phase 'syncing' with ${snapshot.pending} pending, ${snapshot.inflight} in flight`)
    if (!snapshot.hydrated) problems.push('never restored (hydrated false)')
    if (problems.length > 0) findings.push({ kind: 'stuck', detail: `${name} (${user}): ${problems.join('; ')}` })

    const server = new Map((await serverRecords(user)).map((note) => [String(note.id), note]))
    const view = new Map(snapshot.records.map((note) => [String(note.id), note]))
    const differences: string[] = []
    for (const [id, record] of server) {
      const mine = view.get(id)
      if (!mine) differences.push(`${id} missing (server v${String(record.version)})`)
      else if (stable(mine) !== stable(record)) differences.push(`${id} differs: view ${stable(mine)} server ${stable(record)}`)
    }
    for (const [id, record] of view) if (!server.has(id)) differences.push(`${id} shown but not on the server: ${stable(record)}`)
    if (differences.length > 0) findings.push({ kind: 'diverged', detail: `${name} (${user}): ${differences.join('; ')}` })

    const live = new Set(snapshot.ops.map((op) => op.id))
    const stored = new Set(storedOpIds)
    const extra = [...stored].filter((id) => !live.has(id))
    const missing = [...live].filter((id) => !stored.has(id))
    if (extra.length + missing.length > 0)
      findings.push({
        kind: 'orphans',
        detail: `${name} (${user}): ${[extra.length ? `stored but not live: ${extra.join(', ')}` : '', missing.length ? `live but not stored: ${missing.join(', ')}` : ''].filter(Boolean).join('; ')}`,
      })
  }
  return findings
}
