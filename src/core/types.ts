/** A record id, as RTK's entity adapter has it (structurally the same as its `EntityId`). */
export type EntityId = number | string

/** A server version: a number, an etag string, or an updated-at timestamp. */
export type Version = string | number

/** What an operation does to its record. */
export type OperationKind = 'create' | 'update' | 'delete'
