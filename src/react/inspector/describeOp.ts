import type { EntityId, OperationKind } from 'rtk-offline'

/** An operation in a few words, the same in every part of the inspector: "update todos a". */
export const describeOp = (op: { kind: OperationKind; entity: string; recordId: EntityId }): string =>
  `${op.kind} ${op.entity} ${String(op.recordId)}`

/** A time of the engine's clock as the inspector shows it: UTC hours to milliseconds, "14:03:07.250". */
export const clockTime = (at: number): string => new Date(at).toISOString().slice(11, 23)
