import { usePullProgress } from '../usePullProgress'
import { clockTime } from './describeOp'
import { Section } from './Section'

/** Where pulling stands, per entity: status, pages and records of the current (or last) run, last pull, error. */
export function PullSection({ level }: { level: number }) {
  const { entities } = usePullProgress()
  const names = Object.keys(entities)
  return (
    <Section part="pulls" title="Pulls" level={level}>
      {names.length === 0 ? (
        <p>No pulls yet.</p>
      ) : (
        <ul>
          {names.map((name) => {
            const pull = entities[name]!
            return (
              <li key={name} data-status={pull.status}>
                {name}: {pull.status} · {pull.pages} {pull.pages === 1 ? 'page' : 'pages'}, {pull.records}{' '}
                {pull.records === 1 ? 'record' : 'records'}
                {pull.lastPulledAt !== null && ` · last at ${clockTime(pull.lastPulledAt)}`}
                {pull.error && ` · ${pull.error.message}`}
              </li>
            )
          })}
        </ul>
      )}
    </Section>
  )
}
