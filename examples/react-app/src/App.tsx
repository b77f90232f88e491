import { ConflictsPanel } from './components/ConflictsPanel'
import { FailuresPanel } from './components/FailuresPanel'
import { ItemsPanel } from './components/ItemsPanel'
import { OrdersPanel } from './components/OrdersPanel'
import { ServerPanel } from './components/ServerPanel'
import { SyncBar } from './components/SyncBar'

export function App() {
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
        <ConflictsPanel />
      </main>
      <ServerPanel />
    </div>
  )
}
