/**
 * Whether an `If-Match` header lets a write through to a record at `version`. No header (or a blank
 * one) always does; `*` does for any record; otherwise one of the listed entity tags must name the
 * version. Tags may be strong (`"3"`) or weak (`W/"3"`, compared by value, as our clients send the
 * version they read either way) or bare (`3`, sent by hand-written clients).
 */
export function matchesIfMatch(header: string | null, version: number): boolean {
  if (header === null || header.trim() === '') return true
  return header
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1'))
    .some((tag) => tag === '*' || tag === String(version))
}

/** The strong entity tag of a version, as sent in `ETag`: `"3"`. */
export function entityTag(version: number): string {
  return `"${version}"`
}
