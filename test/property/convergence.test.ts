import { configureStore } from '@reduxjs/toolkit'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  createManualNetworkStatus,
  createOfflineSync,
  createSyncedEntity,
  SyncValidationError,
  type OutgoingOperation,
  type PullPage,
  type PullRequest,
  type SyncAdapter,
  type SyncOutcome,
} from '../../src'
import { replay } from '../../src/core/change'
import { applyMergePatch, jsonEqual } from '../../src/core/mergePatch'
import { advance } from '../support/driver'

type Rec = Record<string, unknown> & { id: string; version?: number }
const ids = ['a', 'b', 'c'] as const

/** A versioned server with If-Match and a change log, answering whenever the test lets it. */
function createModelServer() {
  const records = new Map<string, Rec>()
  // Versions go on after a delete (a re-created record never reuses one), as rtk-offline/msw does.
  const lastVersion = new Map<string, number>()
  const log: string[] = []
  const touch = (id: string) => log.push(id)
  const apply = (op: OutgoingOperation): SyncOutcome => {
    const id = String(op.recordId)
    const current = records.get(id) ?? null
    if (op.kind === 'create') {
      if (current) return { type: 'conflict', remote: current }
      records.set(id, { ...(op.data as Rec), version: (lastVersion.get(id) ?? 0) + 1 })
    } else {
      if (!current) return op.kind === 'delete' ? { type: 'ok' } : { type: 'conflict', remote: null }
      if (op.baseVersion !== null && op.baseVersion !== current.version) return { type: 'conflict', remote: current }
      if (op.kind === 'delete') records.delete(id)
      else records.set(id, { ...(applyMergePatch(current, op.data ?? {}) as Rec), version: (current.version ?? 0) + 1 })
    }
    touch(id)
    const stored = records.get(id)
    if (stored) lastVersion.set(id, stored.version!)
    return stored ? { type: 'ok', record: stored } : { type: 'ok' }
  }
  const pull = ({ cursor }: Pick<PullRequest, 'cursor'>): PullPage => {
    const from = cursor === null ? 0 : Number(cursor)
    const changed = [...new Set(log.slice(from))]
    return { changes: changed.map((id) => ({ id, record: records.get(id) ?? null })), cursor: String(log.length), hasMore: false }
  }
  const edit = (id: string, field: string, value: string) => {
    const current = records.get(id)
    if (!current) return
    records.set(id, { ...current, [field]: value, version: (current.version ?? 0) + 1 })
    lastVersion.set(id, (current.version ?? 0) + 1)
    touch(id)
  }
  // A gone record's "version" for ordering what a device learns: past its last one.
  const versionOf = (id: string) => (lastVersion.get(id) ?? 0) + 0.5
  return { records, apply, pull, edit, versionOf }
}

/** An adapter whose pushes and pulls wait until the test answers them against the model server. */
function createHeldAdapter(
  server: ReturnType<typeof createModelServer>,
  learn: (id: string, record: Rec | null, version: number, from: 'push' | 'pull') => void,
) {
  const pushes: Array<{ ops: readonly OutgoingOperation[]; resolve: (outcomes: SyncOutcome[]) => void }> = []
  const pulls: Array<{ cursor: string | null; resolve: (page: PullPage) => void }> = []
  const adapter: SyncAdapter = {
    push: (ops) => new Promise((resolve) => pushes.push({ ops, resolve })),
    pull: ({ cursor }) => new Promise((resolve) => pulls.push({ cursor, resolve })),
  }
  return {
    adapter,
    answerPush: () => {
      const next = pushes.shift()
      if (!next) return false
      const outcomes = next.ops.map((op) => {
        const outcome = server.apply(op)
        const id = String(op.recordId)
        const record = outcome.type === 'ok' ? (outcome.record as Rec | undefined) ?? null : outcome.type === 'conflict' ? (outcome.remote as Rec | null) : undefined
        if (record !== undefined) learn(id, record, record?.version ?? server.versionOf(id), 'push')
        return outcome
      })
      next.resolve(outcomes)
      return true
    },
    answerPull: () => {
      const next = pulls.shift()
      if (!next) return false
      const page = server.pull(next)
      for (const change of page.changes) {
        const id = String(change.id)
        learn(id, change.record as Rec | null, (change.record as Rec | null)?.version ?? server.versionOf(id), 'pull')
      }
      next.resolve(page)
      return true
    },
    busy: () => pushes.length + pulls.length > 0,
  }
}

function createDevice(server: ReturnType<typeof createModelServer>, name: string) {
  /** The newest server record this device has been told about, per id: the model of its confirmed state. */
  const learned = new Map<string, { record: Rec | null; version: number }>()
  /**
   * Ids whose last pulled news was a tombstone that came while the device had pending changes of them.
   * A tombstone carries no version, so the device cannot order it against the answers to those changes:
   * an answer may describe the record before the delete (applied before the page was read) or after it
   * (a create applied after). Durability invariant 3 makes the device keep the tombstone as its confirmed
   * state until a pull brings the record again (see `gone` in createSyncedEntity); the model, which knows
   * the order through versions the device never sees, accepts that state as well until then.
   */
  const tombstoned = new Set<string>()
  const held = createHeldAdapter(server, (id, record, version, from) => {
    if (from === 'pull') {
      const pending = sync.selectors.selectOps(store.getState()).some((op) => op.status !== 'failed' && op.recordId === id)
      if (record === null && pending) tombstoned.add(id)
      else tombstoned.delete(id)
    }
    const known = learned.get(id)
    if (!known || version >= known.version) learned.set(id, { record, version })
  })
  const items = createSyncedEntity<Rec>({ name: 'items' })
  const network = createManualNetworkStatus(false)
  let n = 0
  const sync = createOfflineSync({
    entities: [items],
    adapter: held.adapter,
    network,
    now: () => 0,
    random: () => 0,
    pullIntervalMs: 0,
    generateId: () => `${name}-${++n}`,
    timers: { setTimeout: () => 0, clearTimeout: () => {} },
    onError: () => {},
  })
  const store = configureStore({
    reducer: { items: items.reducer, offline: sync.reducer },
    middleware: (g) => g({ serializableCheck: false, immutableCheck: false }).concat(sync.middleware),
  })
  return { held, items, sync, store, network, learned, tombstoned }
}

type Step = typeof step extends fc.Arbitrary<infer T> ? T : never

const step = fc.oneof(
  fc.record({ t: fc.constant('add' as const), device: fc.nat(1), id: fc.constantFrom(...ids), title: fc.string({ maxLength: 2 }) }),
  fc.record({ t: fc.constant('update' as const), device: fc.nat(1), id: fc.constantFrom(...ids), title: fc.string({ maxLength: 2 }) }),
  fc.record({ t: fc.constant('remove' as const), device: fc.nat(1), id: fc.constantFrom(...ids) }),
  fc.record({ t: fc.constant('online' as const), device: fc.nat(1), online: fc.boolean() }),
  fc.record({ t: fc.constant('answerPush' as const), device: fc.nat(1) }),
  fc.record({ t: fc.constant('answerPull' as const), device: fc.nat(1) }),
  fc.record({ t: fc.constant('pullNow' as const), device: fc.nat(1) }),
  fc.record({
    t: fc.constant('remoteEdit' as const),
    id: fc.constantFrom(...ids),
    field: fc.constantFrom('title', 'note'),
    value: fc.string({ maxLength: 2 }),
  }),
)

/** Runs one sequence of steps on two devices and a model server: the view at every step, convergence at the end. */
async function runSteps(steps: readonly Step[]): Promise<void> {
  const server = createModelServer()
  const devices = [createDevice(server, 'd0'), createDevice(server, 'd1')]
  const check = () => {
    for (const device of devices) {
      const state = device.store.getState()
      // The view is the newest server state the device was told of, with its pending operations (from the
      // outbox, in order) replayed on top; or, while a tombstone pulled under pending changes cannot be
      // ordered against their answers (see `tombstoned`), that tombstone with them replayed.
      const ops = device.sync.selectors.selectOps(state).filter((op) => op.status !== 'failed')
      for (const id of ids) {
        const changes = ops.filter((op) => op.recordId === id).map((op) => ({ kind: op.kind, data: op.data }))
        const expected = replay(device.learned.get(id)?.record ?? null, changes)
        const view = device.items.selectors.selectById(state, id) ?? null
        if (device.tombstoned.has(id) && !jsonEqual(view, expected)) expect(view).toEqual(replay(null, changes))
        else expect(view).toEqual(expected)
      }
    }
  }
  for (const s of steps) {
    const device = 'device' in s ? devices[s.device]! : null
    try {
      if (s.t === 'add') device!.store.dispatch(device!.items.actions.added({ id: s.id, title: s.title }))
      else if (s.t === 'update') device!.store.dispatch(device!.items.actions.updated({ id: s.id, changes: { title: s.title } }))
      else if (s.t === 'remove') device!.store.dispatch(device!.items.actions.removed(s.id))
      else if (s.t === 'online') device!.network.setOnline(s.online)
      else if (s.t === 'answerPush') device!.held.answerPush()
      else if (s.t === 'answerPull') device!.held.answerPull()
      else if (s.t === 'pullNow') device!.store.dispatch(device!.sync.actions.pullNow())
      else if (s.t === 'remoteEdit') server.edit(s.id, s.field, s.value)
    } catch (error) {
      expect(error).toBeInstanceOf(SyncValidationError)
    }
    await advance()
    check()
  }
  // Deliver everything: both online, every push and pull answered, then a final pull each.
  for (const device of devices) device.network.setOnline(true)
  for (let round = 0; round < 200; round++) {
    await advance()
    let moved = false
    for (const device of devices) moved = device.held.answerPush() || device.held.answerPull() || moved
    if (!moved) {
      const idle = devices.every((device) => device.sync.selectors.selectPendingCount(device.store.getState()) === 0)
      if (idle) break
      for (const device of devices) device.store.dispatch(device.sync.actions.syncNow())
    }
  }
  for (const device of devices) {
    device.store.dispatch(device.sync.actions.pullNow())
    for (let round = 0; round < 20 && device.held.busy(); round++) {
      await advance()
      if (!device.held.answerPull()) device.held.answerPush()
    }
    await advance()
    check()
  }
  const serverView = [...server.records.values()].sort((x, y) => x.id.localeCompare(y.id))
  for (const device of devices) {
    const view = [...device.items.selectors.selectAll(device.store.getState())].sort((x, y) => x.id.localeCompare(y.id))
    expect(device.sync.selectors.selectPendingCount(device.store.getState())).toBe(0)
    expect(view).toEqual(serverView)
  }
  for (const device of devices) device.sync.stop()
}

describe('two devices, pulls and pushes in any order', () => {
  it('keep the view invariant at every step and converge to the server once everything is delivered', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: 40, size: 'max' }), runSteps),
      // The example always runs: a pull lands on a record with an unsent change (the rebase case).
      { numRuns: 150, examples: [[[
        { t: 'add', device: 0, id: 'a', title: 't' },
        { t: 'online', device: 0, online: true },
        { t: 'answerPush', device: 0 },
        { t: 'online', device: 0, online: false },
        { t: 'update', device: 0, id: 'a', title: 'x' },
        { t: 'remoteEdit', id: 'a', field: 'note', value: 'n' },
        { t: 'online', device: 0, online: true },
        { t: 'answerPull', device: 0 },
        { t: 'answerPull', device: 0 },
      ]]] },
    )
  }, 60_000)

  it('a record removed and created again, the tombstone of our delete pulled while the create is on its way, converges (fast-check seed -826350321)', async () => {
    // The pull brings the tombstone of our own delete while the create made after it is on its way. A
    // tombstone has no version: the device cannot tell it from one written after the create, so it keeps
    // it (Durability invariant 3, `gone`) over the create's answer (v2) until the next pull brings the
    // record. The model knew the tombstone was older and expected v2 at once: its false alarm, not a lost record.
    await runSteps([
      { t: 'online', device: 0, online: true },
      { t: 'add', device: 0, id: 'c', title: '' },
      { t: 'remove', device: 0, id: 'c' },
      { t: 'answerPush', device: 0 },
      { t: 'add', device: 0, id: 'c', title: '' },
      { t: 'answerPush', device: 0 },
      { t: 'answerPull', device: 0 },
      { t: 'answerPush', device: 0 },
      { t: 'remove', device: 0, id: 'a' },
      { t: 'pullNow', device: 0 },
      { t: 'add', device: 0, id: 'a', title: '' },
      { t: 'answerPull', device: 0 },
      { t: 'answerPull', device: 0 },
    ])
  })
})
