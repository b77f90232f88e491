import { it } from 'vitest'
import { useMswServer } from '../../support/mswServer'
import { createClock } from '../../query/chaos/clock'
import { runScenario, type Env } from './runScenario'
import type { Scenario } from './scenario'
import { createTodoServer } from './todoServer'

const env: Env = { clock: createClock(), works: new Map() }
const server = createTodoServer(env)
useMswServer(...server.handlers)

it('scratch', async () => {
  const scenario = JSON.parse(process.env.SCEN!) as Scenario
  ;(globalThis as { roChaosJournal?: string[] }).roChaosJournal = []
  const result = await runScenario(scenario, server, env)
  console.log(result.findings.join('\n'), '\n', result.trace.join('\n'), '\n', result.notes.join('\n'), JSON.stringify(server.arrivals), JSON.stringify(server.applications))
  console.log((globalThis as { roChaosJournal?: string[] }).roChaosJournal!.join('\n'))
})
