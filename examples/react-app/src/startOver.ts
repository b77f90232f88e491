import { backend } from './backend'
import { deviceStorage } from './deviceStorage'
import { persistor, sync } from './store'

/** Tells the app's other tabs to forget their data too. */
const tabs = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel('field-inventory/start-over')
if (tabs) tabs.onmessage = () => void forgetThisTab()

/**
 * Empties the server and this device's stored outbox and records, in every tab of the app, and reloads.
 * Both go together: a device that kept its records (and its pull cursors) against an emptied server
 * would be out of step with it.
 */
export async function startOver(): Promise<void> {
  await backend().reset()
  tabs?.postMessage('start-over')
  await forgetThisTab()
}

async function forgetThisTab(): Promise<void> {
  sync.stop()
  // Whatever this tab still had to write goes first, then nothing more is written, then it is all erased.
  await persistor.flush().catch(() => {})
  persistor.stop()
  await deviceStorage.clear()
  location.reload()
}
