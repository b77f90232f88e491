import { SyncSetupError } from '../core/errors'

/** The strategies that became opt-in imports: how to write each now. */
const replacements: Record<string, { name: string; call: string }> = {
  'last-write-wins': { name: 'lastWriteWins', call: 'lastWriteWins({ updatedAtField })' },
  merge: { name: 'mergeFields', call: 'mergeFields({ fields, fallback, updatedAtField })' },
}

/**
 * Throws SyncSetupError unless `strategy` is a conflict strategy: 'server-wins', 'client-wins',
 * 'manual' or a resolver function. The strategies that need merge code are imports, so that code is
 * bundled only when used; their old string and `{ strategy }` forms say what to import instead.
 */
export function checkConflictStrategy(strategy: unknown, where: string): void {
  if (strategy === undefined || typeof strategy === 'function') return
  if (strategy === 'server-wins' || strategy === 'client-wins' || strategy === 'manual') return
  const isObject = typeof strategy === 'object' && strategy !== null
  const name = isObject && 'strategy' in strategy ? strategy.strategy : strategy
  const replacement = typeof name === 'string' && Object.hasOwn(replacements, name) ? replacements[name] : undefined
  if (replacement !== undefined) {
    const given = isObject ? `{ strategy: '${String(name)}', … }` : `'${String(name)}'`
    throw new SyncSetupError(
      `the \`conflict\` option of ${where} no longer takes ${given}: import { ${replacement.name} } from 'rtk-offline' and pass ${replacement.call}.`,
    )
  }
  const given = isObject ? 'an object' : typeof strategy === 'string' ? `'${strategy}'` : String(strategy)
  throw new SyncSetupError(
    `the \`conflict\` option of ${where} must be 'server-wins', 'client-wins', 'manual' or a resolver function such as mergeFields(), lastWriteWins() or deepMerge(), not ${given}.`,
  )
}
