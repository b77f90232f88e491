/** RFC 9110 delta-seconds; a decimal is accepted too because some servers send one. */
const SECONDS = /^\d+(?:\.\d+)?$/

/**
 * The obsolete asctime form (`Sun Nov  6 08:49:37 1994`) carries no zone; RFC 9110 says it is GMT, but
 * `Date.parse` would read it as local time.
 */
const ASCTIME = /^[A-Za-z]{3} [A-Za-z]{3} +\d{1,2} \d{2}:\d{2}:\d{2} \d{4}$/

/**
 * Reads a `Retry-After` header: delay-seconds (`"120"`) or an HTTP date
 * (`"Wed, 21 Oct 2015 07:28:00 GMT"`), as milliseconds from `now`.
 *
 * @param header - the header value, or null when the response has none
 * @param now - the current time, epoch milliseconds
 * @returns the delay in milliseconds (0 for a date in the past), or undefined when the header is absent
 *   or cannot be read
 */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (header === null) return undefined
  const value = header.trim()
  if (SECONDS.test(value)) return Math.round(Number(value) * 1000)
  // Every HTTP date form names a weekday or month; requiring a letter keeps Date.parse, which is
  // lenient, from reading "-5" or "1,5" as a date.
  if (!/[A-Za-z]/.test(value)) return undefined
  const date = Date.parse(ASCTIME.test(value) ? `${value} GMT` : value)
  if (Number.isNaN(date)) return undefined
  return Math.max(0, date - now)
}
