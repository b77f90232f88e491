import { useEffect, useId, useRef, useState } from 'react'
import { threeWayMerge, type SyncConflict } from 'rtk-offline'
import { useSyncActions } from 'rtk-offline/react'
import { fieldLabel, fieldsAtStake, formatValue, recordLabel, valueAt, withValueAt } from './conflictText'

type Side = 'local' | 'remote'
type Rec = Record<string, unknown>

interface ConflictDialogProps {
  /** The conflict to settle; undefined keeps the dialog closed. */
  conflict: SyncConflict | undefined
  /** "Decide later" or Escape: the conflict stays open, listed and counted in the banner. */
  onLater(id: string): void
}

/**
 * Puts focus back where it was before the dialog opened. The browser does that on `close()` only while
 * that element is still in the page; a "Resolve…" button goes with its conflict, so then focus goes to
 * the list of conflicts, or to the items, rather than to the page's top.
 */
function returnFocus(opener: Element | null): void {
  const target =
    opener instanceof HTMLElement && opener.isConnected && opener !== document.body
      ? opener
      : (document.getElementById('conflicts-heading') ?? document.getElementById('items-heading'))
  target?.focus()
}

/**
 * A modal dialog for a change that met another change of the same field on the server: the value
 * before, yours and the server's, field by field; keep yours, take the server's, or (with several
 * fields) choose per field. The choice goes through `resolveConflict`, which sends what is needed.
 */
export function ConflictDialog({ conflict, onLater }: ConflictDialogProps) {
  const ref = useRef<HTMLDialogElement>(null)
  const titleId = useId()
  const descriptionId = useId()
  const id = conflict?.id
  // Where focus was when the dialog opened (the online switch, a "Resolve…" button, a field being typed in).
  const opener = useRef<Element | null>(null)
  useEffect(() => {
    const dialog = ref.current
    if (!dialog) return
    if (id !== undefined && !dialog.open) {
      opener.current = document.activeElement
      dialog.showModal()
    } else if (id === undefined && dialog.open) {
      dialog.close()
      returnFocus(opener.current)
      opener.current = null
    }
    // Each conflict starts at its title, so it is read out when the previous one was just settled.
    if (id !== undefined) document.getElementById(titleId)?.focus()
  }, [id, titleId])
  return (
    <dialog
      ref={ref}
      className="conflict-dialog"
      aria-modal="true"
      aria-labelledby={titleId}
      aria-describedby={descriptionId}
      onCancel={(event) => {
        // Escape means "later": the dialog closes through the state, never on its own.
        event.preventDefault()
        if (conflict) onLater(conflict.id)
      }}
    >
      {conflict && (
        <ConflictChoice key={conflict.id} conflict={conflict} titleId={titleId} descriptionId={descriptionId} onLater={onLater} />
      )}
    </dialog>
  )
}

function ConflictChoice({
  conflict,
  titleId,
  descriptionId,
  onLater,
}: {
  conflict: SyncConflict
  titleId: string
  descriptionId: string
  onLater(id: string): void
}) {
  const { resolveConflict } = useSyncActions()
  const { base, local, remote } = conflict
  const atStake = fieldsAtStake(conflict)
  const both = local !== null && remote !== null
  // A deletion on one side: show what the other side holds, against "(deleted)".
  const shown = both ? atStake : Object.keys(local ?? remote ?? {}).filter((key) => key !== 'id' && key !== 'version' && key !== 'updatedAt')
  const perField = both && atStake.length > 1
  const [choices, setChoices] = useState<Record<string, Side>>(() => Object.fromEntries(atStake.map((path) => [path, 'local'])))
  const name = recordLabel(conflict)

  const description =
    remote === null
      ? 'You changed it here, and it was deleted on the server. Keep mine puts it back; take theirs removes it here.'
      : local === null
        ? 'You deleted it here, and it was changed on the server. Keep mine deletes it there too; take theirs brings it back.'
        : `${atStake.map(fieldLabel).join(' and ') || 'It'} changed here and on the server. Which should stay?`

  const applyChoices = () => {
    const sides = new Set(Object.values(choices))
    if (sides.size === 1) return resolveConflict({ id: conflict.id, choose: [...sides][0]! })
    // Fields changed on one side only keep that side's value; each field at stake takes the chosen one.
    let merged: Rec = threeWayMerge(base, local!, remote!, { localTime: conflict.detectedAt, remoteTime: null }).merged
    for (const [path, side] of Object.entries(choices)) merged = withValueAt(merged, path, valueAt(side === 'local' ? local : remote, path))
    resolveConflict({ id: conflict.id, merged })
  }

  const cell = (side: Side, path: string) => {
    const record = side === 'local' ? local : remote
    const text = record === null ? '(deleted)' : formatValue(valueAt(record, path))
    if (!perField) return text
    return (
      <label className="conflict-option">
        <input
          type="radio"
          name={`${conflict.id}:${path}`}
          checked={choices[path] === side}
          onChange={() => setChoices((previous) => ({ ...previous, [path]: side }))}
        />
        <span className="visually-hidden">
          {fieldLabel(path)}, {side === 'local' ? 'yours' : "the server's"}:{' '}
        </span>
        {text}
      </label>
    )
  }

  return (
    <>
      <h2 id={titleId} tabIndex={-1}>
        Conflict: {name}
      </h2>
      <p id={descriptionId}>{description}</p>
      {shown.length > 0 && (
        <table className="conflict-fields">
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Before</th>
              <th scope="col">Yours</th>
              <th scope="col">On the server</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((path) => (
              <tr key={path}>
                <th scope="row">{fieldLabel(path)}</th>
                <td>{base === null ? '(none)' : formatValue(valueAt(base, path))}</td>
                <td data-side="local">{cell('local', path)}</td>
                <td data-side="remote">{cell('remote', path)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="dialog-actions">
        {perField && (
          <button type="button" className="primary" onClick={applyChoices}>
            Use these choices
          </button>
        )}
        <button type="button" onClick={() => resolveConflict({ id: conflict.id, choose: 'local' })}>
          Keep mine
        </button>
        <button type="button" onClick={() => resolveConflict({ id: conflict.id, choose: 'remote' })}>
          Take theirs
        </button>
        <button type="button" className="quiet" onClick={() => onLater(conflict.id)}>
          Decide later
        </button>
      </div>
    </>
  )
}
