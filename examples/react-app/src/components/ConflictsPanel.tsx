import type { SyncConflict } from 'rtk-offline'
import { useConflicts, useSyncActions } from 'rtk-offline/react'
import { useAppSelector } from '../hooks'
import { sync } from '../store'
import { fieldLabel, fieldsAtStake, recordLabel } from './conflictText'

/** What happened to a change that met a newer version on the server, once settled. */
function settledText(conflict: SyncConflict): string {
  const name = `"${recordLabel(conflict, conflict.resolution === 'merged' || conflict.resolution === 'server-wins' ? 'remote' : 'local')}"`
  if (conflict.resolution === 'manual') return `You settled the conflict on ${name}.`
  if (conflict.resolution === 'merged') return `Your change to ${name} was merged with the server's changes to other fields.`
  if (conflict.resolution === 'client-wins') return `Your change to ${name} was sent again over the server's version.`
  if (conflict.remote === null) return `Your ${conflict.kind} of ${name} was dropped: it was deleted on the server.`
  return `Your ${conflict.kind} of ${name} was replaced by the server's newer version.`
}

/**
 * Changes that met another change on the server: those waiting for a person (open, settled in the
 * conflict dialog) and those the entity's strategy settled (merged, or the server's version kept).
 */
export function ConflictsPanel({ onResolve }: { onResolve(id: string): void }) {
  const open = useConflicts()
  const all = useAppSelector(sync.selectors.selectConflicts)
  const { dismissConflicts } = useSyncActions()
  const settled = all.filter((conflict) => conflict.status === 'resolved')
  if (open.length === 0 && settled.length === 0) return null
  return (
    <section className="panel panel-warning" aria-labelledby="conflicts-heading">
      <h2 id="conflicts-heading" tabIndex={-1}>Changed on the server</h2>
      {open.length > 0 && (
        <ul className="rows" aria-label="Conflicts to settle">
          {open.map((conflict) => {
            const fields = fieldsAtStake(conflict).map(fieldLabel).join(' and ')
            return (
              <li key={conflict.id} className="row">
                <span className="row-name">
                  {conflict.remote === null
                    ? `"${recordLabel(conflict)}" was deleted on the server while you changed it.`
                    : conflict.local === null
                      ? `You deleted "${recordLabel(conflict)}" while it was changed on the server.`
                      : `${fields || 'It'} of "${recordLabel(conflict)}" changed here and on the server.`}
                </span>
                <span className="row-actions">
                  <button type="button" aria-label={`Resolve ${recordLabel(conflict)}…`} onClick={() => onResolve(conflict.id)}>
                    Resolve…
                  </button>
                </span>
              </li>
            )
          })}
        </ul>
      )}
      {settled.length > 0 && (
        <ul className="rows" aria-label="Settled conflicts">
          {settled.map((conflict) => (
            <li key={conflict.id} className="row">
              <span className="row-name">{settledText(conflict)}</span>
              <span className="row-actions">
                <button type="button" aria-label={`Dismiss the note on ${recordLabel(conflict)}`} onClick={() => dismissConflicts([conflict.id])}>
                  Dismiss
                </button>
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
