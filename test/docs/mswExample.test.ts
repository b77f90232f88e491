// Runs the MSW test shown in docs/node-and-tests.md (tsc checks it under examples/, vitest runs it here).
import '../../examples/docs/node-and-tests/mswTest'
