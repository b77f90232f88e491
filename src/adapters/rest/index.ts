export { createRestAdapter } from './createRestAdapter'
export { parseRetryAfter } from '../http/retryAfter'
export type {
  ParsePull,
  ParseRecord,
  RestAdapterOptions,
  RestFetch,
  RestHeaders,
  RestRequest,
  RestRoute,
  RestRouteContext,
  RestRoutes,
} from './types'
