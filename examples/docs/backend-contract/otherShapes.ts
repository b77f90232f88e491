import { createRestAdapter, type PullPage } from 'rtk-offline'

declare function currentToken(): Promise<string> // your own

// A backend that wraps records in { data }, takes updates (merge patches) as POST /:entity/:id and pages
// its changes with ?after=.
export const adapter = createRestAdapter({
  baseUrl: 'https://api.example.com/v2',
  headers: async () => ({ Authorization: `Bearer ${await currentToken()}` }),
  routes: {
    update: (operation, { baseUrl }) => ({ method: 'POST', url: `${baseUrl}/${operation.entity}/${operation.recordId}`, body: operation.data }),
    pull: ({ entity, cursor, limit }, { baseUrl }) => ({ method: 'GET', url: `${baseUrl}/${entity}/changes?after=${cursor ?? ''}&limit=${limit}` }),
  },
  parseRecord: (body) => (body as { data?: Record<string, unknown> }).data,
  parsePull: (body): PullPage => {
    const page = body as { items: Array<{ id: string; deleted: boolean; data: Record<string, unknown> }>; next: string; more: boolean }
    return {
      changes: page.items.map((item) => ({ id: item.id, record: item.deleted ? null : item.data })),
      cursor: page.next,
      hasMore: page.more,
    }
  },
})
