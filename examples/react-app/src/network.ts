import { createManualNetworkStatus, type ManualNetworkStatus } from 'rtk-offline'

/** Where a tab remembers that its switch was turned off, so a reload keeps it offline. Per tab. */
const switchedOffKey = 'field-inventory/switched-off'

/**
 * The app's network status: a switch the user can flip (to try offline work), which also follows the
 * browser's own state: going offline or back online in the browser flips it too.
 *
 * The engine does not store online/offline (a reload starts afresh), but this switch is the app's own:
 * turned off, it stays off through a reload of the tab (sessionStorage), so changes made "offline" can
 * be seen to survive the reload still pending. Each tab has its own switch.
 */
export function createAppNetwork(): ManualNetworkStatus {
  const network = createManualNetworkStatus(navigator.onLine && !isSwitchedOff())
  window.addEventListener('online', () => setSwitch(true))
  window.addEventListener('offline', () => network.setOnline(false))

  function setSwitch(online: boolean): void {
    try {
      if (online) sessionStorage.removeItem(switchedOffKey)
      else sessionStorage.setItem(switchedOffKey, '1')
    } catch {
      // Storage may be unavailable (private modes); the switch then works for this page load only.
    }
    network.setOnline(online)
  }

  return { isOnline: network.isOnline, subscribe: network.subscribe, setOnline: setSwitch }
}

function isSwitchedOff(): boolean {
  try {
    return sessionStorage.getItem(switchedOffKey) !== null
  } catch {
    return false
  }
}
