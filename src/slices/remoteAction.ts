/**
 * Marks an action that came from another tab: it is applied, not validated, stored or sent on again.
 * The tab channel (rtk-offline/persist) sets it; the enqueue middleware reads it, so it lives on the core's side.
 */
export interface RemoteMeta {
  remoteTab: string
}

/** Whether an action came from another tab (see {@link RemoteMeta}). */
export function isRemoteAction(action: unknown): boolean {
  return typeof (action as { meta?: Partial<RemoteMeta> }).meta?.remoteTab === 'string'
}
