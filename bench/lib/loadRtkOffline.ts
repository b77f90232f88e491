import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type * as RtkOfflineModule from 'rtk-offline'

/** rtk-offline's public API, typed from src (tsconfig paths), loaded from the built dist/. */
export type RtkOffline = typeof RtkOfflineModule

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
  if (!existsSync(distEntry)) throw new Error(`bench: ${distEntry} is missing; run \`npm run build\` first (npm run bench does).`)
  return (await import(pathToFileURL(distEntry).href)) as RtkOffline
}
