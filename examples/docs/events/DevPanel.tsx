import { useState } from 'react'
import { SyncInspector } from 'rtk-offline/react'
import { sync } from './store'

/** The inspector behind a toggle: render it in development builds only if you like. */
export function DevPanel() {
  const [open, setOpen] = useState(false)
  return (
    <>
      <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
        Show sync inspector
      </button>
      {open && <SyncInspector sync={sync} />}
    </>
  )
}
