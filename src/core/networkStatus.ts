/**
 * Where the engine learns whether the device is online. `subscribe` calls the listener on changes and
 * returns an unsubscribe function.
 */
export interface NetworkStatus {
  isOnline(): boolean
  subscribe(listener: (online: boolean) => void): () => void
}

/** A {@link NetworkStatus} the app drives itself (tests, React Native's NetInfo, an offline switch). */
export interface ManualNetworkStatus extends NetworkStatus {
  setOnline(online: boolean): void
}

/** Creates a network status that changes only when `setOnline` is called; listeners hear only real changes. */
export function createManualNetworkStatus(initiallyOnline = true): ManualNetworkStatus {
  let online = initiallyOnline
  const listeners = new Set<(online: boolean) => void>()
  return {
    isOnline: () => online,
    subscribe(listener) {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
    setOnline(next) {
      if (next === online) return
      online = next
      for (const listener of [...listeners]) listener(online)
    },
  }
}

/**
 * The default: `navigator.onLine` and the window's `online`/`offline` events where they exist; elsewhere
 * (Node, workers without them) always online, so the engine sends and lets failures speak.
 */
export function createBrowserNetworkStatus(): NetworkStatus {
  const hasNavigator = typeof navigator !== 'undefined' && typeof navigator.onLine === 'boolean'
  const hasWindow = typeof window !== 'undefined' && typeof window.addEventListener === 'function'
  return {
    isOnline: () => (hasNavigator ? navigator.onLine : true),
    subscribe(listener) {
      if (!hasWindow) return () => {}
      const online = () => listener(true)
      const offline = () => listener(false)
      window.addEventListener('online', online)
      window.addEventListener('offline', offline)
      return () => {
        window.removeEventListener('online', online)
        window.removeEventListener('offline', offline)
      }
    },
  }
}
