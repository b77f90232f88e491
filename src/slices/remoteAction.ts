/**
 * Marks an action that came from another tab: it is applied, not validated, stored or sent on again. The tabs
 * module (src/persist) sets it; the enqueue middleware reads it, so it lives here, below both.
 */
export interface RemoteMeta {
  remoteTab: string
}

/** Whether the action came from another tab (see RemoteMeta). */
export function isRemoteAction(action: unknown): boolean {
  return typeof (action as { meta?: Partial<RemoteMeta> }).meta?.remoteTab === 'string'
}
