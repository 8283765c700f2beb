/**
 * Query parameters the Functions host itself consumes; they reach the function too, so routes must ignore them
 * rather than refuse them as unknown (`?code=<function key>` is how browsers and curl send the function key).
 */
export const hostQueryParameters: readonly string[] = ['code'];

/** A request's query as an object for `parseInput` (own properties only: `fromEntries` defines, never assigns), without the host's own parameters. */
export function queryOf(query: URLSearchParams): Record<string, string> {
  return Object.fromEntries([...query].filter(([name]) => !hostQueryParameters.includes(name)));
}
