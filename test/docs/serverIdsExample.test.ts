// Runs the MSW test shown in docs/server-ids.md (tsc checks it under examples/, vitest runs it here).
import '../../examples/docs/server-ids/mswTest'
