import { networkChanged } from '../../slices/actions'
import type { SyncEngine, SyncHandler } from '../syncHandler'

/**
 * The network handler: turns the `network` option's online and offline events into `networkChanged`,
 * until the engine stops. Push and pull react to that action (back online: send and pull at once).
 */
export function buildNetworkHandler(engine: SyncEngine): SyncHandler {
  const { config, api } = engine
  return {
    name: 'network',
    listeners: [],
    start() {
      const unsubscribe = config.network.subscribe((online) => {
        api.dispatch(networkChanged(online, config.now()))
      })
      engine.signal.addEventListener('abort', unsubscribe, { once: true })
    },
  }
}
