import type { UnknownAction } from '@reduxjs/toolkit'
import type { ErrorSource } from '../middleware/errorSource'
import { selectOutbox } from '../slices/selectOutbox'
import { drainRun, eventTrack, tapAction, type EventTrack } from './eventTap'
import type { SyncEvent, SyncEventListener } from './types'

/** What the core calls to tell events (with the `events` option): one hub per `createOfflineSync`. */
export interface EventHub {
  /** Whether anyone listens: only then does the middleware read the state around each action. */
  listening(): boolean
  /** After the reducers saw `action`: tells its events. `store` names the store (its getState). */
  tap(action: UnknownAction, before: unknown, after: unknown, store: object): void
  /** The push handler's word: a run of the drain of the store `api` belongs to begins or ends. */
  drain(api: { getState: object }, running: boolean): void
  subscribe(listener: SyncEventListener): () => void
}

/** What the hub needs of its instance. */
export interface EventHubConfig {
  reducerPath: string
  now: () => number
  onError: (error: unknown, info: { raisedBy: ErrorSource }) => void
}

/** The event hub of one instance: its listeners, and per store what its events remember between actions. */
export function createEventHub({ reducerPath, now, onError }: EventHubConfig): EventHub {
  const listeners = new Set<SyncEventListener>()
  const tracks = new WeakMap<object, EventTrack>()
  const trackOf = (store: object): EventTrack => {
    let track = tracks.get(store)
    if (!track) tracks.set(store, (track = eventTrack()))
    return track
  }
  // A listener that throws must not stop the others or the engine (it runs inside a dispatch).
  const emit = (event: SyncEvent) => {
    for (const listener of listeners)
      try {
        listener(event)
      } catch (error) {
        onError(error, { raisedBy: 'listener' })
      }
  }
  return {
    listening: () => listeners.size > 0,
    tap(action, before, after, store) {
      // It runs inside the app's dispatch: whatever goes wrong here is reported, never thrown at the app.
      try {
        tapAction(action, selectOutbox(before, reducerPath), selectOutbox(after, reducerPath), trackOf(store), now, emit)
      } catch (error) {
        onError(error, { raisedBy: 'listener' })
      }
    },
    drain(api, running) {
      drainRun(trackOf(api.getState), running, now, emit)
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
  }
}
