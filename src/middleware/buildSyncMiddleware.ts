import { createListenerMiddleware, type Middleware, type MiddlewareAPI } from '@reduxjs/toolkit'
import { selectOutbox } from '../slices/selectOutbox'
import { buildAuthHandler } from './handlers/auth'
import { buildNetworkHandler } from './handlers/network'
import { buildPullHandler } from './handlers/pull'
import { buildPushHandler } from './handlers/push'
import { buildUserSwitchHandler } from './handlers/userSwitch'
import { inFlightRequests } from './shared/inFlightRequests'
import type { SyncEngine, SyncEngineConfig, SyncHandler, SyncStoreContext } from './syncHandler'

/**
 * Builds the sync engine's middleware (after the enqueue middleware): per store, one engine with one
 * AbortController, and its handlers (network, push, user switch, pull, auth; one file each in ./handlers)
 * composed in a loop on one listener middleware. `stop()` aborts every store's engine: no more sends,
 * pulls, timers or network listening; requests in flight are aborted and their answers ignored.
 */
export function buildSyncMiddleware(config: SyncEngineConfig): {
  middleware: (api: MiddlewareAPI, store: SyncStoreContext) => ReturnType<Middleware>
  stop(): void
} {
  const engines = new Set<AbortController>()

  const middleware = (api: MiddlewareAPI, store: SyncStoreContext) => {
    const controller = new AbortController()
    const listener = createListenerMiddleware({
      onError: (error) => config.onError(error, { raisedBy: 'drain' }),
    })
    const engine: SyncEngine = {
      config,
      api,
      store,
      signal: controller.signal,
      requests: inFlightRequests(controller.signal),
      asking: new Set(),
      outbox: () => selectOutbox(api.getState(), config.reducerPath),
    }
    const auth = buildAuthHandler(engine)
    const pull = buildPullHandler(engine, { auth })
    // In this order: listeners of one action run in the order they were added (push before pull).
    const handlers: SyncHandler[] = [buildNetworkHandler(engine), buildPushHandler(engine, { auth, pull }), buildUserSwitchHandler(engine), pull, auth]
    for (const handler of handlers) for (const { predicate, effect } of handler.listeners) listener.startListening({ predicate, effect })
    for (const handler of handlers) handler.start?.()
    controller.signal.addEventListener('abort', () => listener.clearListeners(), { once: true })
    engines.add(controller)
    return listener.middleware(api)
  }

  return {
    middleware,
    stop() {
      for (const engine of engines) engine.abort()
      engines.clear()
    },
  }
}
