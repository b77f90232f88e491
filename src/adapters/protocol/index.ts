export { createSyncProtocolAdapter } from './createSyncProtocolAdapter'
export type { SyncProtocolAdapterOptions, ReconnectOptions } from './types'
