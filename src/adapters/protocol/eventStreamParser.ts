/** One Server-Sent Event: its type (`message` when the stream named none) and its data lines joined by `\n`. */
export interface ServerSentEvent {
  type: string
  data: string
}

/**
 * Reads a `text/event-stream` as it arrives, in chunks cut anywhere (inside a line, between `\r` and
 * `\n`), and calls `onEvent` for each complete event, following the HTML standard's parsing: lines end
 * with `\r\n`, `\r` or `\n`; a blank line ends an event; `:` starts a comment; `event` and `data` fields
 * are kept (`id` and `retry` are not needed: the engine pulls from its own cursor, and the adapter
 * decides its own reconnection delay). Decoding bytes is the caller's (a streaming `TextDecoder`).
 *
 * Written here rather than taken from a library (eventsource-parser would be the one): it is these
 * thirty lines, and the core entry keeps a single runtime dependency.
 */
export function createEventStreamParser(onEvent: (event: ServerSentEvent) => void): { push(text: string): void } {
  let buffer = ''
  let type = ''
  let data: string[] = []
  const readLine = (line: string) => {
    if (line === '') {
      if (data.length > 0) onEvent({ type: type === '' ? 'message' : type, data: data.join('\n') })
      type = ''
      data = []
      return
    }
    if (line.startsWith(':')) return
    const colon = line.indexOf(':')
    const field = colon < 0 ? line : line.slice(0, colon)
    const value = colon < 0 ? '' : line.slice(colon + (line[colon + 1] === ' ' ? 2 : 1))
    if (field === 'event') type = value
    else if (field === 'data') data.push(value)
  }
  return {
    push(text) {
      buffer += text
      for (let end = /\r\n|\r|\n/.exec(buffer); end; end = /\r\n|\r|\n/.exec(buffer)) {
        // A `\r` at the very end may be the first half of a `\r\n` that the next chunk completes.
        if (end[0] === '\r' && end.index === buffer.length - 1) break
        readLine(buffer.slice(0, end.index))
        buffer = buffer.slice(end.index + end[0].length)
      }
    },
  }
}
