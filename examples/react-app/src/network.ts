import { createManualNetworkStatus, type ManualNetworkStatus } from 'rtk-offline'

/**
 * The app's network status: a switch the user can flip (to try offline work), which also follows the
 * browser's own state: going offline or back online in the browser flips it too.
 */
export function createAppNetwork(): ManualNetworkStatus {
  const network = createManualNetworkStatus(navigator.onLine)
  window.addEventListener('online', () => network.setOnline(true))
  window.addEventListener('offline', () => network.setOnline(false))
  return network
}
