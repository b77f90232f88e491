import { existsSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type * as RtkOfflineModule from 'rtk-offline'
import type * as RtkOfflinePersistModule from 'rtk-offline/persist'

/**
 * rtk-offline's public API, typed from src (tsconfig paths), loaded from the built dist/: the core entry
 * and the opt-in persistence entry (`rtk-offline/persist`) side by side.
 */
export type RtkOffline = typeof RtkOfflineModule & typeof RtkOfflinePersistModule

/**
 * The built entry: dist/index.js, or the file named by RTK_OFFLINE_DIST (to measure a patched build
 * side by side with the committed one without touching dist/).
 */
export const distEntry = process.env.RTK_OFFLINE_DIST
  ? resolve(process.env.RTK_OFFLINE_DIST)
  : fileURLToPath(new URL('../../dist/index.js', import.meta.url))

/**
 * Loads the built package (`dist/index.js`, what users install) rather than src; `npm run bench` and
 * `npm run bench:smoke` build it first.
 */
export async function loadRtkOffline(): Promise<RtkOffline> {
  // The persist entry sits beside the core's; it imports the core by the package's name (dist/index.js,
  // so with RTK_OFFLINE_DIST set it still shares the committed build's core).
  const persistEntry = resolve(dirname(distEntry), 'persist/index.js')
  for (const entry of [distEntry, persistEntry])
    if (!existsSync(entry)) throw new Error(`bench: ${entry} is missing; run \`npm run build\` first (npm run bench does).`)
  const core = (await import(pathToFileURL(distEntry).href)) as typeof RtkOfflineModule
  const persist = (await import(pathToFileURL(persistEntry).href)) as typeof RtkOfflinePersistModule
  return { ...core, ...persist }
}
