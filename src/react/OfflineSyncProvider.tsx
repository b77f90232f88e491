import { createContext, type ReactNode } from 'react'
import type { OfflineSync } from 'rtk-offline'

/** Props of {@link OfflineSyncProvider}. */
export interface OfflineSyncProviderProps {
  /** The instance the hooks and components below read and steer (what `createOfflineSync` returned). */
  sync: Pick<OfflineSync<string>, 'selectors' | 'actions'>
  children?: ReactNode
}

/** The instance named by the nearest provider, or null: then the hooks find the sync slice in the state. */
export const OfflineSyncContext = /* @__PURE__ */ createContext<OfflineSyncProviderProps['sync'] | null>(null)
OfflineSyncContext.displayName = 'OfflineSyncContext'

/**
 * Names the sync instance the hooks and components below it use. Optional: without it they use the
 * sync slice in the react-redux store's state (under `'offline'`, or the only one there is). Use it
 * when a store holds several instances, or to read through the instance's own selectors.
 *
 * Place it inside react-redux's `<Provider store={store}>`.
 *
 * @example
 * ```tsx
 * <Provider store={store}>
 *   <OfflineSyncProvider sync={sync}>
 *     <App />
 *   </OfflineSyncProvider>
 * </Provider>
 * ```
 */
export function OfflineSyncProvider({ sync, children }: OfflineSyncProviderProps) {
  return <OfflineSyncContext.Provider value={sync}>{children}</OfflineSyncContext.Provider>
}
