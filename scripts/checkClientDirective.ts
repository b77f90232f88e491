// `npm run check:package`: the built React entry starts with "use client" (tsup.config.ts adds it), so a
// Next.js App Router page can import rtk-offline/react; the core, persist, msw and server entries do not.
import { readFileSync } from 'node:fs'

const starts = (file: string) => readFileSync(file, 'utf8').startsWith('"use client";')
const wrong = [
  ...['dist/react/index.js', 'dist/react/index.cjs'].filter((file) => !starts(file)).map((file) => `${file} lacks "use client"`),
  ...['dist/index.js', 'dist/persist/index.js', 'dist/msw/index.js', 'dist/server/index.js']
    .filter(starts)
    .map((file) => `${file} should not say "use client"`),
]
if (wrong.length > 0) {
  console.error(`check:package: ${wrong.join('; ')}. Run npm run build (tsup.config.ts marks the React entry).`)
  process.exit(1)
}
console.log('"use client" on rtk-offline/react only: ok')
