import { useFailed } from '../useFailed'
import { useSyncActions } from '../useSyncActions'
import { describeOp } from './describeOp'
import { Section } from './Section'

/** Operations the server refused (rolled back), each with its reason and buttons that name it. */
export function FailuresSection({ level }: { level: number }) {
  const failed = useFailed()
  const { retryFailed, discardFailed } = useSyncActions()
  return (
    <Section part="failures" title={`Failures (${failed.length})`} level={level}>
      {failed.length === 0 ? (
        <p>No failures.</p>
      ) : (
        <ul>
          {failed.map((op) => {
            const what = describeOp(op)
            return (
              <li key={op.id}>
                {what}: {op.lastError?.message ?? 'failed'}{' '}
                <button type="button" aria-label={`Retry ${what}`} onClick={() => retryFailed([op.id])}>
                  Retry
                </button>{' '}
                <button type="button" aria-label={`Discard ${what}`} onClick={() => discardFailed([op.id])}>
                  Discard
                </button>
              </li>
            )
          })}
        </ul>
      )}
    </Section>
  )
}
