/** A stock item. `version` and `updatedAt` are set by the server. */
export interface Item {
  id: string
  name: string
  quantity: number
  version?: number
  updatedAt?: number
}

/** An order for some of an item's stock. */
export interface Order {
  id: string
  itemId: string
  customer: string
  quantity: number
  version?: number
  updatedAt?: number
}

/** Where the API lives (the sync server, or the mock REST backend), for the adapter and the backend alike. */
export const apiBaseUrl = '/api'
