/**
 * Marks an action that came from another tab: it is applied, not validated, stored or sent on again.
 * The tab channel (rtk-offline/persist) sets it; the enqueue middleware reads it, so it lives on the core's side.
 */
export interface RemoteMeta {
  remoteTab: string
  /**
   * This tab's own action applied again on top of a live tab's state (the answer to its hello, which was
   * taken before the action): its state changes are needed again, its side effects (a completion, a
   * cache fold) happened the first time.
   */
  reapplied?: true
}

/** Whether an action came from another tab (see {@link RemoteMeta}). */
export function isRemoteAction(action: unknown): boolean {
  return typeof (action as { meta?: Partial<RemoteMeta> }).meta?.remoteTab === 'string'
}

/** Whether an action is this tab's own, applied again on a live tab's state (see {@link RemoteMeta}). */
export function isReappliedAction(action: unknown): boolean {
  return (action as { meta?: Partial<RemoteMeta> }).meta?.reapplied === true
}
