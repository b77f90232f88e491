import type { Metafile } from 'esbuild'

/** One folder's share of a bundle: minified bytes of its source files in the output, and its largest file. */
export interface FolderShare {
  folder: string
  bytes: number
  files: number
  largest: { file: string; bytes: number }
}

/**
 * Where a bundle's bytes come from, by source folder (`src/middleware/handlers`, `src/slices/outbox`, …):
 * esbuild's `bytesInOutput` per input, summed per folder, largest first. Minified bytes, before gzip:
 * gzip works across files, so a folder's gzipped share can only be estimated as its part of the minified
 * whole. This is the profile behind the quick start's size goal (issue 10): it names what the bytes pay for.
 */
export function bytesByFolder(metafile: Metafile): FolderShare[] {
  const folders = new Map<string, FolderShare>()
  for (const output of Object.values(metafile.outputs))
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      if (bytesInOutput === 0) continue
      const slash = input.lastIndexOf('/')
      const folder = slash === -1 ? '(entry)' : input.slice(0, slash)
      const share = folders.get(folder) ?? { folder, bytes: 0, files: 0, largest: { file: input, bytes: 0 } }
      share.bytes += bytesInOutput
      share.files += 1
      if (bytesInOutput > share.largest.bytes) share.largest = { file: input.slice(slash + 1), bytes: bytesInOutput }
      folders.set(folder, share)
    }
  return [...folders.values()].sort((a, b) => b.bytes - a.bytes)
}
