import type { ReactNode } from 'react'
import type { EntityId } from 'rtk-offline'
import { useIsPending } from './useIsPending'

/** Props of {@link PendingBadge}. */
export interface PendingBadgeProps {
  /** The entity name (`createSyncedEntity({ name })`). */
  entity: string
  /** The record's id. */
  id: EntityId
  /** Class of the badge element. */
  className?: string
  /**
   * What the badge says while the record is pending; or a function of `isPending` that renders in both
   * cases (then the badge element is always there, with `data-pending` true or false).
   * @default 'Pending'
   */
  children?: ReactNode | ((isPending: boolean) => ReactNode)
  /**
   * A longer description for assistive technology and the tooltip.
   * @default 'Not yet saved to the server'
   */
  title?: string
}

/**
 * An unstyled badge shown while a record has changes the server has not confirmed: a `span` with
 * `data-pending`, saying "Pending", gone once the server has the change. Re-renders only when that record's
 * pending state changes.
 *
 * @example
 * ```tsx
 * <li>
 *   {item.name} <PendingBadge entity="items" id={item.id} className="badge" />
 * </li>
 *
 * // Always rendered, with your own content:
 * <PendingBadge entity="items" id={item.id}>{(isPending) => (isPending ? '⟳' : '✓')}</PendingBadge>
 * ```
 */
export function PendingBadge({ entity, id, className, children, title = 'Not yet saved to the server' }: PendingBadgeProps) {
  const isPending = useIsPending(entity, id)
  if (typeof children === 'function')
    return (
      <span className={className} data-pending={isPending} title={isPending ? title : undefined}>
        {children(isPending)}
      </span>
    )
  if (!isPending) return null
  return (
    <span className={className} data-pending title={title}>
      {children ?? 'Pending'}
    </span>
  )
}
