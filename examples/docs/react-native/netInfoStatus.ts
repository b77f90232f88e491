import { createManualNetworkStatus, type NetworkStatus } from 'rtk-offline'

// The part of @react-native-community/netinfo used here (declared so this example type-checks without it):
// import NetInfo from '@react-native-community/netinfo'
declare const NetInfo: {
  addEventListener(listener: (state: { isConnected: boolean | null; isInternetReachable: boolean | null }) => void): () => void
}

/**
 * NetInfo as the engine's network status. `isOnline()` must answer at once, so the status keeps the last
 * state NetInfo reported (and tells the engine only of changes); "unknown" (null) counts as online: the
 * engine tries, and a failure is retried.
 */
export function createNetInfoStatus(): NetworkStatus {
  const status = createManualNetworkStatus(true)
  NetInfo.addEventListener((state) => status.setOnline(state.isConnected !== false && state.isInternetReachable !== false))
  return status
}
