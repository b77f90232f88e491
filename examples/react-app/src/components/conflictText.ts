import type { SyncConflict } from 'rtk-offline'

type Rec = Record<string, unknown>

/** Server bookkeeping, never a person's choice. */
const hiddenFields = new Set(['version', 'updatedAt'])

const fieldLabels: Record<string, string> = { name: 'Name', quantity: 'Quantity', customer: 'Customer', itemId: 'Item' }

export function fieldLabel(path: string): string {
  return fieldLabels[path] ?? path
}

/** The fields a person chooses between: those at stake, without the server's bookkeeping. */
export function fieldsAtStake(conflict: SyncConflict): string[] {
  return conflict.fields.filter((path) => !hiddenFields.has(path.split('.')[0]!))
}

/** A field's value by its dot path (`'address.city'`), undefined when absent. */
export function valueAt(record: Rec | null, path: string): unknown {
  let value: unknown = record
  for (const key of path.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined
    value = (value as Rec)[key]
  }
  return value
}

/** A copy of `record` with the field at `path` set (or removed, for undefined). */
export function withValueAt(record: Rec, path: string, value: unknown): Rec {
  const [key, ...rest] = path.split('.') as [string, ...string[]]
  const copy: Rec = { ...record }
  if (rest.length > 0) {
    const inner = copy[key]
    copy[key] = withValueAt(typeof inner === 'object' && inner !== null ? (inner as Rec) : {}, rest.join('.'), value)
  } else if (value === undefined) delete copy[key]
  else copy[key] = value
  return copy
}

/** A value as a person reads it. */
export function formatValue(value: unknown): string {
  if (value === undefined || value === null) return '(none)'
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return JSON.stringify(value)
}

/**
 * "Rope (20 m)", "the order for Ada": what the record is called, on your side first (while it is open),
 * or on the server's (once a strategy settled it the server's way or merged it).
 */
export function recordLabel(conflict: SyncConflict, first: 'local' | 'remote' = 'local'): string {
  const side = (first === 'local' ? (conflict.local ?? conflict.remote) : (conflict.remote ?? conflict.local)) ?? conflict.base
  if (conflict.entity === 'orders') return typeof side?.customer === 'string' ? `the order for ${side.customer}` : 'an order'
  return typeof side?.name === 'string' ? side.name : String(conflict.recordId)
}
