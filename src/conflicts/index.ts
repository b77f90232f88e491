// Conflicts: how an operation the server refused as a conflict is settled. The strategies' types,
// the opt-in strategies (lastWriteWins, mergeFields and the three-way merge behind it), and
// ready-made resolvers. Each is its own module, so an app bundles only what it imports.

export { threeWayMerge } from './threeWayMerge'
export { lastWriteWins } from './lastWriteWins'
export { mergeFields } from './mergeFields'
export { mergeAsSet, sumCounters, maxValue, lastWriteWinsField, deepMerge } from './resolvers'

export type { ThreeWayMergeOptions, ThreeWayMergeResult } from './threeWayMerge'
export type { DeepMergeOptions } from './resolvers'
export type { LastWriteWinsOptions } from './lastWriteWins'
export type { MergeFieldsOptions, MergeFallback } from './mergeFields'
export type {
  ConflictContext,
  ConflictResolution,
  ConflictResolver,
  FieldSides,
  FieldMerger,
  ConflictStrategyName,
  ConflictStrategy,
} from './types'
