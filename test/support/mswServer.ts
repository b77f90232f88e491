/**
 * The one MSW setup for test files: an MSW server over `handlers`, wired to the file's vitest hooks.
 *
 * ```ts
 * const backend = createRestBackend({ baseUrl })
 * const server = useMswServer(...backend.handlers)
 * // in a test: server.use(http.get(...)) — dropped again after the test
 * ```
 *
 * - `beforeAll`: listens, with `onUnhandledRequest: 'error'`, so a request no handler serves fails the test;
 * - `afterEach`: `resetHandlers()`, dropping what a test added with `server.use(...)` and keeping `handlers`;
 * - `afterAll`: closes the server.
 *
 * Call it once per file, at the top level. (test/msw/example.test.ts keeps its own three lines: it is
 * the copy-pasteable example docs/msw.md shows verbatim, and users have no test/support.)
 */
import { setupServer, type SetupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll } from 'vitest'

export type MswHandler = Parameters<typeof setupServer>[number]

export function useMswServer(...handlers: MswHandler[]): SetupServer {
  const server = setupServer(...handlers)
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
  afterEach(() => server.resetHandlers())
  afterAll(() => server.close())
  return server
}
