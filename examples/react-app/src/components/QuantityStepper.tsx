interface QuantityStepperProps {
  /** What is counted, for the buttons' accessible names ("Fewer Rope (20 m)"). */
  label: string
  value: number
  onChange(value: number): void
}

/** − value + buttons; never below zero. */
export function QuantityStepper({ label, value, onChange }: QuantityStepperProps) {
  return (
    <span className="stepper" role="group" aria-label={`Quantity of ${label}`}>
      <button type="button" aria-label={`Fewer ${label}`} disabled={value <= 0} onClick={() => onChange(value - 1)}>
        −
      </button>
      <span className="stepper-value">{value}</span>
      <button type="button" aria-label={`More ${label}`} onClick={() => onChange(value + 1)}>
        +
      </button>
    </span>
  )
}
