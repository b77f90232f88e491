import { useState } from 'react'
import { useConflicts } from 'rtk-offline/react'
import { ConflictDialog } from './components/ConflictDialog'
import { ConflictsPanel } from './components/ConflictsPanel'
import { FailuresPanel } from './components/FailuresPanel'
import { InspectorToggle } from './components/InspectorToggle'
import { ItemsPanel } from './components/ItemsPanel'
import { OrdersPanel } from './components/OrdersPanel'
import { ServerPanel } from './components/ServerPanel'
import { SyncBar } from './components/SyncBar'

export function App() {
  const conflicts = useConflicts()
  // Conflicts put off with "Decide later", and the one picked from the list with "Resolve…".
  const [later, setLater] = useState<readonly string[]>([])
  const [picked, setPicked] = useState<string | null>(null)
  const shown = conflicts.find((conflict) => conflict.id === picked) ?? conflicts.find((conflict) => !later.includes(conflict.id))
  return (
    <div className="app">
      <header className="app-header">
        <h1>Field inventory</h1>
        <SyncBar />
      </header>
      <main className="app-main">
        <ItemsPanel />
        <OrdersPanel />
        <FailuresPanel />
        <ConflictsPanel
          onResolve={(id) => {
            setLater((ids) => ids.filter((other) => other !== id))
            setPicked(id)
          }}
        />
        <InspectorToggle />
      </main>
      <ServerPanel />
      <ConflictDialog
        conflict={shown}
        onLater={(id) => {
          setLater((ids) => [...ids, id])
          setPicked((current) => (current === id ? null : current))
        }}
      />
    </div>
  )
}
