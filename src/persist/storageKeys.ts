/**
 * Where things live in storage. Each user's data sits under its own namespace, so one user's outbox is
 * never read, merged or sent while another is signed in:
 *
 * - `<key>/meta`: version, seq counter, conflicts, pull cursors
 * - `<key>/rec/<entity>/<bucket>`: the records of one of 1,024 buckets (by a hash of the id): each one's
 *   place and view, and for a record with pending changes its confirmed state (see StoredRecord), so a
 *   change costs bytes in proportion to the records it touches
 * - `<key>/entity/<name>`: the single-blob layout of earlier versions (the whole view); read, moved to
 *   buckets and removed by the first restore
 * - `<key>/op/<operation id>`: one operation each, so a change costs bytes in proportion to itself
 * - `<key>/quarantine/<time>/<what>`: unusable values moved aside, never deleted
 *
 * For a signed-in user, `<key>` is `<base key>:user:<encoded user id>`.
 */
export interface StorageKeys {
  namespace: string
  meta: string
  /** The single-blob layout of earlier versions. */
  entity(name: string): string
  record(entity: string, bucket: string): string
  /** Every record key starts with this; then `<encoded entity>/<bucket>`. */
  recordPrefix: string
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
    record: (entity, bucket) => `${namespace}/rec/${encodeURIComponent(entity)}/${bucket}`,
    recordPrefix: `${namespace}/rec/`,
    op: (id) => `${namespace}/op/${id}`,
    opPrefix: `${namespace}/op/`,
    quarantine: (at, key) => `${namespace}/quarantine/${at}/${key.slice(namespace.length + 1)}`,
  }
}
