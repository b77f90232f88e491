import { useId, type ReactNode } from 'react'

/** A heading of the level given (the inspector's sections are one below its own heading). */
export function Heading({ level, id, children }: { level: number; id?: string; children: ReactNode }) {
  const Tag = `h${Math.min(6, Math.max(1, level))}` as 'h2'
  return <Tag id={id}>{children}</Tag>
}

/** A labelled region of the panel: a `section` named by its heading, with `data-part` for styling. */
export function Section({ part, title, level, children }: { part: string; title: string; level: number; children: ReactNode }) {
  const id = useId()
  return (
    <section aria-labelledby={id} data-part={part}>
      <Heading level={level} id={id}>
        {title}
      </Heading>
      {children}
    </section>
  )
}
