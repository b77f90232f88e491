'use client'

import { useState, type ReactNode } from 'react'
import { Provider } from 'react-redux'
import { makeStore, type PreloadedState } from './notes'

export function StoreProvider({ preloadedState, children }: { preloadedState: PreloadedState; children: ReactNode }) {
  // Once per page in the browser (and once per request when Next.js renders this on the server).
  const [store] = useState(() => makeStore(preloadedState))
  return <Provider store={store}>{children}</Provider>
}
