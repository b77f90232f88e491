import type { EntityId } from '@reduxjs/toolkit'
import { tokensOf } from './referenceBackend'

/**
 * What every client did, kept by the harness (outside the clients, so it survives their crashes): each
 * edit's token, each delete, and the events that legitimately make an edit disappear.
 */
export interface TokenEntry {
  token: string
  client: string
  /** The tab that made it (`c0#1`): a crash of that tab decides whether it was stored. */
  writer: string
  /** The server scope the edit was made under (the signed-in user, 'anon' for none). */
  scope: string
  recordId: string
  /** Logical time the edit was made. */
  tick: number
  /**
   * null while the edit may still be only in memory; true once it was seen in storage (an op record) or
   * on the server at a crash of its client; false when its client crashed before it was stored: such an
   * edit is forgiven (the crash took it before anything promised it).
   */
  durable: boolean | null
  /** Why the edit legitimately does not have to reach the server (a strategy or a person chose the server's record). */
  superseded: string | null
}

export interface DeleteEntry {
  client: string
  scope: string
  recordId: string
  tick: number
}

export class Ledger {
  readonly tokens = new Map<string, TokenEntry>()
  readonly deletes: DeleteEntry[] = []
  /** Each op id a client's edits went into, and the logical time of the latest of them. */
  readonly ops = new Map<string, { client: string; lastTick: number }>()
  private clock = 0

  opTouched(opId: string, client: string): void {
    this.ops.set(opId, { client, lastTick: this.clock })
  }

  tick(): number {
    return ++this.clock
  }

  edited(client: string, writer: string, scope: string, recordId: EntityId, data: unknown): void {
    for (const token of tokensOf(data)) {
      if (this.tokens.has(token)) continue
      this.tokens.set(token, { token, client, writer, scope, recordId: String(recordId), tick: this.tick(), durable: null, superseded: null })
    }
  }

  deleted(client: string, scope: string, recordId: EntityId): void {
    this.deletes.push({ client, scope, recordId: String(recordId), tick: this.tick() })
  }

  /** A conflict strategy or a person dropped these edits in favour of the server's record. */
  supersede(data: unknown, why: string): void {
    for (const token of tokensOf(data)) {
      const entry = this.tokens.get(token)
      if (entry && entry.superseded === null) entry.superseded = why
    }
  }

  /** Whether the client deleted the record after the edit (a later delete of its own takes the edit with it). */
  deletedLater(entry: TokenEntry, serverIdOf: (id: string) => string = (id) => id): boolean {
    const id = serverIdOf(entry.recordId)
    return this.deletes.some((d) => d.client === entry.client && d.scope === entry.scope && serverIdOf(d.recordId) === id && d.tick > entry.tick)
  }

  /**
   * A tab crashed: its edits made so far are durable when storage (`stored`) or the server
   * (`applied`) holds them; the rest were lost by the crash before anything was promised.
   */
  crashed(writer: string, stored: ReadonlySet<string>, applied: ReadonlySet<string>): { forgiven: number } {
    let forgiven = 0
    for (const entry of this.tokens.values()) {
      if (entry.writer !== writer || entry.durable !== null) continue
      if (stored.has(entry.token) || applied.has(entry.token)) entry.durable = true
      else {
        entry.durable = false
        forgiven += 1
      }
    }
    return { forgiven }
  }

  /** After a flush everything made so far is durable. */
  flushed(client: string): void {
    for (const entry of this.tokens.values()) if (entry.client === client && entry.durable === null) entry.durable = true
  }
}
