import { useId, type ReactElement } from 'react'

interface FieldProps {
  label: string
  /** Renders the control with the id its label points at. */
  children(id: string): ReactElement
}

/** A label and its control, tied by id (so a select's options do not become part of its name). */
export function Field({ label, children }: FieldProps) {
  const id = useId()
  return (
    <span className="field">
      <label htmlFor={id}>{label}</label> {children(id)}
    </span>
  )
}
