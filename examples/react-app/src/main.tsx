import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { Provider } from 'react-redux'
import { startBackend } from './backend'
import './styles.css'

const root = createRoot(document.getElementById('root')!)

/**
 * The backend (the mock's service worker, or the panel's link to the sync server) must run before the app sends or pulls anything, so the store (whose sync starts
 * with the restore and a pull) is loaded only once the service worker runs. The first render waits for
 * the restore, so a reload shows the stored records at once rather than an empty list first.
 */
async function start(): Promise<void> {
  await startBackend()
  const [{ App }, { store, persistor }] = await Promise.all([import('./App'), import('./store')])
  // A storage that cannot be used is in the store (selectStorage) and the app works on in memory.
  await persistor.ready.catch(() => {})
  root.render(
    <StrictMode>
      <Provider store={store}>
        <App />
      </Provider>
    </StrictMode>,
  )
}

start().catch((error: unknown) => root.render(<p role="alert">The app did not start: {String(error)}</p>))
