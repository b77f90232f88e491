import { combineReducers, configureStore } from '@reduxjs/toolkit'
import { createOfflineSync, createRestAdapter, createSyncedEntity } from 'rtk-offline'

export interface Note {
  id: string
  text: string
  version?: number
}

export const notes = createSyncedEntity<Note>({ name: 'notes' })

// Nothing runs at creation: the engine starts in a store made with sync.middleware.
export const sync = createOfflineSync({
  entities: [notes],
  adapter: createRestAdapter({ baseUrl: '/api' }),
})

const reducer = combineReducers({ notes: notes.reducer, [sync.reducerPath]: sync.reducer })

export type PreloadedState = Partial<ReturnType<typeof reducer>>

/**
 * One store per request on the server, one per page in the browser. Only the browser's runs the engine:
 * on the server it would pull (and send anything dispatched) from the server, once per request, and
 * keep its timers until sync.stop().
 */
export function makeStore(preloadedState?: PreloadedState) {
  const inBrowser = typeof window !== 'undefined'
  return configureStore({
    reducer,
    middleware: (getDefault) => getDefault().concat(inBrowser ? [sync.middleware] : []),
    preloadedState,
  })
}

export type AppStore = ReturnType<typeof makeStore>
