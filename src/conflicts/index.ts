// Conflicts: how an operation the server refused as a conflict is settled. The strategies' types,
// the three-way merge behind the `merge` strategy, and ready-made resolvers.

export { threeWayMerge } from './threeWayMerge'
export { mergeAsSet, sumCounters, maxValue, lastWriteWinsField, deepMerge } from './resolvers'

export type { ThreeWayMergeOptions, ThreeWayMergeResult } from './threeWayMerge'
export type { DeepMergeOptions } from './resolvers'
export type {
  ConflictContext,
  ConflictResolution,
  ConflictResolver,
  FieldSides,
  FieldMerger,
  ConflictStrategyName,
  MergeStrategy,
  LastWriteWinsStrategy,
  ConflictStrategy,
} from './types'
