/**
 * Where things live in storage. Each user's data sits under its own namespace, so one user's outbox is
 * never read, merged or sent while another is signed in:
 *
 * - `<key>/meta`: version, seq counter, conflicts
 * - `<key>/entity/<name>`: an entity's view and the confirmed state of its records with pending changes
 * - `<key>/op/<operation id>`: one operation each, so a change costs bytes in proportion to itself
 * - `<key>/quarantine/<time>/<what>`: unusable values moved aside, never deleted
 *
 * For a signed-in user, `<key>` is `<base key>:user:<encoded user id>`.
 */
export interface StorageKeys {
  namespace: string
  meta: string
  entity(name: string): string
  op(id: string): string
  opPrefix: string
  quarantine(at: number, key: string): string
}

export function storageKeys(baseKey: string, userId: string | null): StorageKeys {
  const namespace = userId === null ? baseKey : `${baseKey}:user:${encodeURIComponent(userId)}`
  return {
    namespace,
    meta: `${namespace}/meta`,
    entity: (name) => `${namespace}/entity/${encodeURIComponent(name)}`,
    op: (id) => `${namespace}/op/${id}`,
    opPrefix: `${namespace}/op/`,
    quarantine: (at, key) => `${namespace}/quarantine/${at}/${key.slice(namespace.length + 1)}`,
  }
}
