import { SyncSetupError } from '../core/errors'

/**
 * Throws SyncSetupError unless `strategy` is a conflict strategy: 'server-wins', 'client-wins',
 * 'manual' or a resolver function. The strategies that need merge code are imports, so that code is
 * bundled only when used; their old string and `{ strategy }` forms say what to import instead.
 */
export function checkConflictStrategy(strategy: unknown, where: string): void {
  if (strategy === undefined || typeof strategy === 'function' || strategy === 'server-wins' || strategy === 'client-wins' || strategy === 'manual')
    return
  const isObject = typeof strategy === 'object' && strategy !== null
  const name = isObject ? (strategy as { strategy?: unknown }).strategy : strategy
  const given = typeof name !== 'string' ? (isObject ? 'an object' : String(name)) : isObject ? `{ strategy: '${name}', … }` : `'${name}'`
  const factory = name === 'merge' ? 'mergeFields({ fields, fallback, updatedAtField })' : name === 'last-write-wins' ? 'lastWriteWins({ updatedAtField })' : null
  throw new SyncSetupError(
    factory
      ? `the \`conflict\` option of ${where} no longer takes ${given}: import { ${factory.slice(0, factory.indexOf('('))} } from 'rtk-offline' and pass ${factory}.`
      : `the \`conflict\` option of ${where} must be 'server-wins', 'client-wins', 'manual' or a resolver function such as mergeFields(), lastWriteWins() or deepMerge(), not ${given}.`,
  )
}
