import { definedOnly } from './backoff'
import { checkNumber } from './checkNumber'

/** Circuit breaker options of `createOfflineSync`. */
export interface CircuitBreakerOptions {
  /**
   * Consecutive transient failures (batches in which nothing reached the backend) that open the circuit.
   * @default 5
   */
  failureThreshold?: number
  /**
   * How long an open circuit stops sending before one probe is let through.
   * @default 30_000
   */
  cooldownMs?: number
}

export type ResolvedCircuitBreakerOptions = Required<CircuitBreakerOptions>

/** Serialisable breaker state, kept in the store. */
export interface CircuitState {
  state: 'closed' | 'open' | 'half-open'
  /** Consecutive transient failures. */
  failures: number
  /** While open: when a probe may go (epoch milliseconds). */
  openUntil: number | null
}

export type CircuitEvent = 'success' | 'failure' | 'probe' | 'reset'

export const closedCircuit: CircuitState = { state: 'closed', failures: 0, openUntil: null }

export function resolveCircuitBreakerOptions(options: CircuitBreakerOptions = {}): ResolvedCircuitBreakerOptions {
  const resolved = { failureThreshold: 5, cooldownMs: 30_000, ...definedOnly(options) }
  // Checked in development only, as every option of createOfflineSync (a production build drops it).
  if (process.env.NODE_ENV !== 'production') {
    checkNumber('circuitBreaker.failureThreshold', resolved.failureThreshold, 1, true)
    checkNumber('circuitBreaker.cooldownMs', resolved.cooldownMs, 0)
  }
  return resolved
}

/**
 * The breaker's next state. `success`: the backend answered; `failure`: a batch failed transiently;
 * `probe`: the cool-down is over and one operation goes through; `reset`: start afresh (back online).
 */
export function nextCircuit(
  circuit: CircuitState,
  event: CircuitEvent,
  now: number,
  options: ResolvedCircuitBreakerOptions,
): CircuitState {
  switch (event) {
    case 'success':
    case 'reset':
      return closedCircuit
    case 'probe':
      return circuit.state === 'open' ? { ...circuit, state: 'half-open', openUntil: null } : circuit
    case 'failure': {
      const failures = circuit.failures + 1
      if (circuit.state === 'half-open' || failures >= options.failureThreshold)
        return { state: 'open', failures, openUntil: now + options.cooldownMs }
      return { state: 'closed', failures, openUntil: null }
    }
  }
}
