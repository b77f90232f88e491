import { describe, expect, it } from 'vitest'
import { parseRetryAfter } from '../../src/adapters/http/retryAfter'

const now = Date.parse('2015-10-21T07:28:00Z')

describe('parseRetryAfter', () => {
  it('reads delay-seconds as milliseconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000)
    expect(parseRetryAfter('0', now)).toBe(0)
    expect(parseRetryAfter(' 5 ', now)).toBe(5_000)
  })

  it('accepts a decimal number of seconds, which some servers send', () => {
    expect(parseRetryAfter('1.5', now)).toBe(1_500)
  })

  it('reads an IMF-fixdate as the time left until then', () => {
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', now)).toBe(30_000)
  })

  it('reads the obsolete RFC 850 and asctime dates, the asctime one as GMT', () => {
    expect(parseRetryAfter('Wednesday, 21-Oct-15 07:29:00 GMT', now)).toBe(60_000)
    expect(parseRetryAfter('Wed Oct 21 07:28:10 2015', now)).toBe(10_000)
  })

  it('never returns a negative delay for a date in the past', () => {
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:00:00 GMT', now)).toBe(0)
  })

  it('returns undefined when the header is absent, empty or unreadable', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined()
    expect(parseRetryAfter('', now)).toBeUndefined()
    expect(parseRetryAfter('soon', now)).toBeUndefined()
    expect(parseRetryAfter('-5', now)).toBeUndefined()
    expect(parseRetryAfter('1,5', now)).toBeUndefined()
  })
})
