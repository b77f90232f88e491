import { createOfflineSync, createSyncProtocolAdapter } from 'rtk-offline'
import { notes } from './store'

declare const token: string // the signed-in user's token

export const sync = createOfflineSync({
  entities: [notes],
  adapter: createSyncProtocolAdapter({
    baseUrl: 'http://127.0.0.1:8787',
    headers: { Authorization: `Bearer ${token}` },
    live: true, // pull as soon as the server says something changed
  }),
  batchSize: 100, // as many operations per push as the adapter sends
})
