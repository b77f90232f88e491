import { createPgliteDriver, createSyncServer, serveSyncServer } from 'rtk-offline/server'

// Your own check of a request's credentials (declared here so the example type-checks).
declare function verifyToken(authorization: string | null): Promise<{ id: string } | null>

const db = await createPgliteDriver({ dataDir: './data' }) // or createPgDriver({ connectionString })

const server = await createSyncServer({
  db,
  collections: { notes: {} },
  authenticate: async (request) => {
    const user = await verifyToken(request.headers.get('Authorization'))
    return user ? { userId: user.id } : null // null answers 401
  },
})

await serveSyncServer(server, { port: 8787 })
