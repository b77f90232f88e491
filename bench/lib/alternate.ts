/**
 * Runs contestants in alternating rounds within one process: warm-up rounds first (not kept), then
 * measured rounds whose order rotates each time, so neither a noisy moment of the machine nor a place in
 * the order (first after a GC, last before one) decides a comparison. Each run resolves to its sample.
 */
export interface Contestant<TSample> {
  name: string
  run(round: { index: number; warmup: boolean }): Promise<TSample>
}

export interface AlternateOptions {
  warmups: number
  rounds: number
  /** Called before each run: a place to collect garbage left by the previous one. */
  beforeEach?: () => void
  onProgress?: (message: string) => void
}

export async function runAlternating<TSample>(
  contestants: readonly Contestant<TSample>[],
  options: AlternateOptions,
): Promise<Map<string, TSample[]>> {
  const samples = new Map<string, TSample[]>(contestants.map((contestant) => [contestant.name, []]))
  const total = options.warmups + options.rounds
  for (let index = 0; index < total; index++) {
    const warmup = index < options.warmups
    const shift = index % contestants.length
    const order = [...contestants.slice(shift), ...contestants.slice(0, shift)]
    for (const contestant of order) {
      options.beforeEach?.()
      options.onProgress?.(`${warmup ? 'warm-up' : `round ${index - options.warmups + 1}/${options.rounds}`}: ${contestant.name}`)
      const sample = await contestant.run({ index, warmup })
      if (!warmup) samples.get(contestant.name)!.push(sample)
    }
  }
  return samples
}
