import { useAppSelector } from '../hooks'
import { sync } from '../store'

/**
 * A progress bar while the first pull runs: the server's records coming to a device that has none
 * (an entity pulled without a cursor), or any pull long enough to take more than one page. The
 * routine pull every few seconds, one page that is usually empty, shows nothing.
 */
export function PullProgress() {
  const progress = useAppSelector(sync.selectors.selectPullProgress)
  const loading =
    progress.active &&
    Object.values(progress.entities).some((entity) => entity.status === 'pulling' && (entity.cursor === null || entity.pages > 0))
  if (!loading) return null
  return (
    <span className="pull-progress">
      <progress aria-label="Loading from the server" />
      <span>
        Loading from the server{progress.records > 0 ? ` · ${progress.records} ${progress.records === 1 ? 'record' : 'records'}` : '…'}
      </span>
    </span>
  )
}
