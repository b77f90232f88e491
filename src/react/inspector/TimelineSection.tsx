import { clockTime } from './describeOp'
import { describeEvent } from './describeEvent'
import { Section } from './Section'
import type { SyncEventLog } from './useSyncEventLog'

/** The latest sync events, newest first. Not a live region: it changes too often to be read aloud. */
export function TimelineSection({ level, log }: { level: number; log: SyncEventLog }) {
  return (
    <Section part="timeline" title="Timeline" level={level}>
      {log.problem !== null ? (
        <p>{log.problem}</p>
      ) : log.entries.length === 0 ? (
        <p>No events yet.</p>
      ) : (
        <ol reversed>
          {log.entries.map(({ key, event }) => (
            <li key={key} data-event={event.type}>
              <time dateTime={new Date(event.at).toISOString()}>{clockTime(event.at)}</time> {describeEvent(event)}
            </li>
          ))}
        </ol>
      )}
    </Section>
  )
}
