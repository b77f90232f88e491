/**
 * How configureStore's default middleware is set up, the same for every contestant:
 * - `production`: RTK's dev-only checks off (serializable, immutable, action-creator), as in an app's
 *   production build (NODE_ENV=production drops exactly these three).
 * - `dev-checks`: the default middleware as in development, with the checks' slowness warnings
 *   (`warnAfter`) raised so they do not print during the runs.
 */
export type CheckMode = 'production' | 'dev-checks'

export function defaultMiddlewareOptions(mode: CheckMode) {
  return mode === 'production'
    ? { serializableCheck: false, immutableCheck: false, actionCreatorCheck: false }
    : { serializableCheck: { warnAfter: 60_000 }, immutableCheck: { warnAfter: 60_000 } }
}
