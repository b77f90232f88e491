/**
 * The demo's credentials: a bearer token per user, all of one team (the scope the server keeps their
 * records in). A real app gets its token from its sign-in and its server checks it (a JWT verifier in
 * `authenticate`); these fixed tokens only show where that goes.
 */
export const demoScope = 'field-team'

/** The app's own token: the device's user. */
export const deviceToken = 'demo-token-device'

/** The server panel's token: "someone else" of the team, whose edits the app pulls. */
export const someoneElseToken = 'demo-token-someone-else'

const users: Record<string, string> = { [deviceToken]: 'device-user', [someoneElseToken]: 'someone-else' }

/** The user a token belongs to, or null for a token the demo does not know (the server answers 401). */
export function demoUserOf(token: string): string | null {
  return Object.hasOwn(users, token) ? users[token]! : null
}
