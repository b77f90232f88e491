import type { ScenarioResult } from './runScenario'

/** A failed seed as a person reads it: the seed and how to replay it, the findings, the steps, the server's log. */
export function formatResult(result: ScenarioResult): string {
  return [
    `── seed ${result.seed} failed: replay with npm run chaos:browser -- --seed ${result.seed} --trace`,
    ...result.findings.map((finding) => `  ${finding.kind.toUpperCase()}: ${finding.detail}`),
    '  steps:',
    ...result.trace.map((line) => `    ${line}`),
    '  server (requests through the fault layer):',
    ...result.serverLog.map((line) => `    ${line}`),
  ].join('\n')
}
