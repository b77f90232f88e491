import type { OfflineSync, SyncEvent } from 'rtk-offline'

/** The logger you have: console, pino, winston, … (each takes a message and a plain object). */
export interface Logger {
  debug(message: string, fields: object): void
  info(message: string, fields: object): void
  warn(message: string, fields: object): void
}

/** Which level each event goes to: problems as warnings, a drain's summary as info, the rest as debug. */
function levelOf(event: SyncEvent): keyof Logger {
  switch (event.type) {
    case 'opFailed':
    case 'opConflicted':
    case 'breakerOpened':
    case 'storageProblem':
      return 'warn'
    case 'drainFinished':
    case 'breakerClosed':
      return 'info'
    default:
      return 'debug'
  }
}

/** Sends every sync event to `logger` as a structured line; returns the function that stops it. */
export function logSyncEvents(sync: Pick<OfflineSync<string>, 'subscribe'>, logger: Logger): () => void {
  return sync.subscribe((event) => logger[levelOf(event)](`sync ${event.type}`, event))
}
