import { useConflicts } from '../useConflicts'
import { useSyncActions } from '../useSyncActions'
import { describeOp } from './describeOp'
import { Section } from './Section'

/** Conflicts parked for a person: the fields in dispute and buttons (naming the record) to keep one side. */
export function ConflictsSection({ level }: { level: number }) {
  const conflicts = useConflicts()
  const { resolveConflict } = useSyncActions()
  return (
    <Section part="conflicts" title={`Conflicts (${conflicts.length})`} level={level}>
      {conflicts.length === 0 ? (
        <p>No open conflicts.</p>
      ) : (
        <ul>
          {conflicts.map((conflict) => {
            const what = describeOp(conflict)
            return (
              <li key={conflict.id}>
                {what}
                {conflict.fields.length > 0 && `: ${conflict.fields.join(', ')}`}
                {conflict.remote === null && ' (gone on the server)'}{' '}
                <button type="button" aria-label={`Keep mine: ${what}`} onClick={() => resolveConflict({ id: conflict.id, choose: 'local' })}>
                  Keep mine
                </button>{' '}
                <button type="button" aria-label={`Take theirs: ${what}`} onClick={() => resolveConflict({ id: conflict.id, choose: 'remote' })}>
                  Take theirs
                </button>
              </li>
            )
          })}
        </ul>
      )}
    </Section>
  )
}
