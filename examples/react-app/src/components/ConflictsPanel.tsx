import { useConflicts, useSyncActions } from 'rtk-offline/react'

/**
 * Changes that met a newer version on the server. For now the server's version is kept (conflict
 * strategies and a dialog to choose come later); this list says what happened.
 */
export function ConflictsPanel() {
  const conflicts = useConflicts()
  const { dismissConflicts } = useSyncActions()
  if (conflicts.length === 0) return null
  return (
    <section className="panel panel-warning" aria-labelledby="conflicts-heading">
      <h2 id="conflicts-heading">Changed on the server</h2>
      <ul className="rows" aria-label="Conflicts">
        {conflicts.map((conflict) => {
          const name = conflict.remote?.name ?? conflict.remote?.customer ?? conflict.local?.name
          return (
            <li key={conflict.id} className="row">
              <span className="row-name">
                {conflict.remote === null
                  ? `Your ${conflict.kind} of "${String(name ?? conflict.recordId)}" was dropped: it was deleted on the server.`
                  : `Your ${conflict.kind} of "${String(name)}" was replaced by the server's newer version.`}
              </span>
              <span className="row-actions">
                <button type="button" onClick={() => dismissConflicts([conflict.id])}>
                  Dismiss
                </button>
              </span>
            </li>
          )
        })}
      </ul>
    </section>
  )
}
