import { expect, it } from 'vitest'
import { classifyMutationError } from '../../src/query/classifyMutationError'

it("reads fetchBaseQuery's errors as the outbox does: no answer and transient statuses retried, 401/403 auth, other 4xx refused", () => {
  expect(classifyMutationError({ status: 'FETCH_ERROR', error: 'TypeError: Failed to fetch' })).toBe('retry')
  expect(classifyMutationError({ status: 'TIMEOUT_ERROR', error: 'timeout' })).toBe('retry')
  for (const status of [408, 425, 429, 500, 503]) expect(classifyMutationError({ status, data: null })).toBe('retry')
  for (const status of [401, 403]) expect(classifyMutationError({ status, data: null })).toBe('auth')
  for (const status of [400, 404, 409, 412, 422]) expect(classifyMutationError({ status, data: null })).toBe('reject')
  expect(classifyMutationError({ status: 'CUSTOM_ERROR', error: 'x' })).toBe('reject')
})

it('tries a 2xx whose body could not be read again (a captive portal), and follows the status of any other PARSING_ERROR', () => {
  expect(classifyMutationError({ status: 'PARSING_ERROR', originalStatus: 200, data: '<html>', error: 'SyntaxError' })).toBe('retry')
  expect(classifyMutationError({ status: 'PARSING_ERROR', originalStatus: 502, data: '<html>', error: 'SyntaxError' })).toBe('retry')
  expect(classifyMutationError({ status: 'PARSING_ERROR', originalStatus: 422, data: 'bad', error: 'SyntaxError' })).toBe('reject')
})
