import { createPgliteDriver, createSyncServer, serveSyncServer } from 'rtk-offline/server'

// Your own check of a request's credentials (declared here so the example type-checks).
declare function verifyToken(authorization: string | null): Promise<{ id: string } | null>

const db = await createPgliteDriver({ dataDir: './data' }) // or createPgDriver({ connectionString })

const server = await createSyncServer({
  db,
  // Lists and items get the server's ids ('1', '2', … per scope and collection); an item's listId is
  // stored as the client sends it, which is the list's server id by then.
  collections: { lists: { assignIds: true }, items: { assignIds: true } },
  authenticate: async (request) => {
    const user = await verifyToken(request.headers.get('Authorization'))
    return user ? { userId: user.id } : null
  },
})

await serveSyncServer(server, { port: 8787 })
