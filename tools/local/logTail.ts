import { readFile } from 'node:fs/promises';

/** The last `lines` lines of a log file, or '' when it cannot be read. */
export async function logTail(file: string, lines = 20): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Keeps the last `max` characters of a stream's output, for error messages. */
export class OutputTail {
  private text = '';

  constructor(private readonly max = 4000) {}

  push(chunk: Buffer | string): void {
    this.text = (this.text + chunk.toString()).slice(-this.max);
  }

  toString(): string {
    return this.text.trimEnd();
  }
}
