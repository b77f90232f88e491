import { useId, useState } from 'react'
import { SyncInspector } from 'rtk-offline/react'
import { sync } from '../store'

/** rtk-offline's developer panel behind a toggle: the queue, failures, conflicts, pulls and a timeline of sync events. */
export function InspectorToggle() {
  const [open, setOpen] = useState(false)
  const id = useId()
  return (
    <div className="panel">
      <button type="button" aria-expanded={open} aria-controls={open ? id : undefined} onClick={() => setOpen(!open)}>
        Show sync inspector
      </button>
      {open && (
        <div id={id}>
          <SyncInspector sync={sync} maxEvents={20} />
        </div>
      )}
    </div>
  )
}
