import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { Provider } from 'react-redux'
import { App } from './App'
import { startBackend } from './backend'
import { store } from './store'
import './styles.css'

const root = createRoot(document.getElementById('root')!)

// The mock server must answer before the app sends anything.
startBackend().then(
  () =>
    root.render(
      <StrictMode>
        <Provider store={store}>
          <App />
        </Provider>
      </StrictMode>,
    ),
  (error: unknown) => root.render(<p role="alert">The mock server did not start: {String(error)}</p>),
)
