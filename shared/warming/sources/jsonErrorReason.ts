/** Reasons V8 gives for a JSON syntax error that carry no source bytes; anything else becomes a generic reason. */
const contentFree = /^(Unexpected end of JSON input|Expected [^"]*?(?= in JSON)|Bad control character in string literal|Unterminated string in JSON|Bad escaped character in JSON|Unexpected non-whitespace character after JSON|Exponent part is missing a number in JSON|Unterminated fractional number in JSON|No number after minus sign in JSON)/;

/**
 * Where and why a source record is not valid JSON, without any of its content: V8's messages quote the text around
 * the error (`Unexpected token 'd', "db_passwor"... is not valid JSON`), and a source line may hold a secret.
 * Answers e.g. `column 13: Expected ',' or '}' after property value`.
 */
export function jsonErrorReason(error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  const position = /at position (\d+)/.exec(message);
  const where = position ? `column ${Number(position[1]) + 1}: ` : '';
  const reason = contentFree.exec(message)?.[1]?.replace(/ in JSON$/, '') ?? (/^Unexpected token/.test(message) ? 'unexpected character' : 'malformed');
  return `${where}${reason}`;
}
