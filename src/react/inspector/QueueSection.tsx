import { useSelector } from 'react-redux'
import { useSyncReader } from '../useSyncReader'
import { clockTime, describeOp } from './describeOp'
import { Section } from './Section'

/** Operations waiting, in flight or parked, oldest first: what each is, its state and attempts. */
export function QueueSection({ level, maxOps }: { level: number; maxOps: number }) {
  const reader = useSyncReader()
  const ops = useSelector((state: unknown) => reader.selectOps(state))
  const queued = ops.filter((op) => op.status !== 'failed')
  return (
    <Section part="queue" title={`Queue (${queued.length})`} level={level}>
      {queued.length === 0 ? (
        <p>Nothing waiting.</p>
      ) : (
        <ol>
          {queued.slice(0, maxOps).map((op) => (
            <li key={op.id} data-status={op.status}>
              {describeOp(op)} · {op.status}
              {op.attempts > 0 && ` · ${op.attempts} ${op.attempts === 1 ? 'attempt' : 'attempts'}`}
              {op.nextAttemptAt !== null && ` · next at ${clockTime(op.nextAttemptAt)}`}
              {op.lastError && ` · ${op.lastError.message}`}
            </li>
          ))}
        </ol>
      )}
      {queued.length > maxOps && <p>and {queued.length - maxOps} more</p>}
    </Section>
  )
}
