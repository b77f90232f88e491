import { sync } from './store'

// import { AppState } from 'react-native'
declare const AppState: { addEventListener(type: 'change', listener: (state: 'active' | 'background' | 'inactive' | 'unknown' | 'extension') => void): { remove(): void } }

// In a browser, persistence writes at once when the page is hidden; React Native has no such event, so
// write what is still throttled when the app leaves the foreground.
AppState.addEventListener('change', (state) => {
  if (state !== 'active') void sync.flush()
})
