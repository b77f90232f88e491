import { definedOnly } from './backoff'
import { SyncSetupError } from './errors'

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
  if (!Number.isInteger(resolved.failureThreshold) || resolved.failureThreshold < 1)
    throw new SyncSetupError(`circuitBreaker.failureThreshold must be an integer ≥ 1, got ${String(resolved.failureThreshold)}.`)
  if (typeof resolved.cooldownMs !== 'number' || !(resolved.cooldownMs >= 0))
    throw new SyncSetupError(`circuitBreaker.cooldownMs must be a number ≥ 0, got ${String(resolved.cooldownMs)}.`)
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
