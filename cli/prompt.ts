import { createInterface } from 'node:readline';
import { CliError, exitCodes, usageError } from './CliError';
import type { CommandContext } from './Command';

/**
 * Asks one question on the terminal (stderr), returns the trimmed answer; Ctrl-C / EOF answer ''. With
 * `secret`, what is typed is not echoed (keys).
 */
export function ask(question: string, options: { secret?: boolean } = {}): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    if (options.secret) {
      // readline echoes through _writeToOutput; after the question is shown, echo nothing but the final newline.
      const internal = rl as unknown as { _writeToOutput: (s: string) => void };
      const write = internal._writeToOutput.bind(rl);
      let shown = false;
      internal._writeToOutput = (text: string) => {
        if (!shown || text.includes('\n')) write(shown ? '\n' : text);
        if (text.includes(question)) shown = true;
      };
    }
    let answered = false;
    rl.on('SIGINT', () => {
      process.stderr.write('\n');
      rl.close();
    });
    rl.on('close', () => {
      if (!answered) resolve('');
    });
    rl.question(question, (answer) => {
      answered = true;
      rl.close();
      resolve(answer.trim());
    });
  });
}

/**
 * The gate in front of every destructive command: prints what will happen (naming the cluster), then asks
 * `[y/N]`. `--yes` skips the question; without a terminal on stdin and without `--yes` the command refuses
 * (a usage error), so a script never hangs on a prompt nor destroys by accident.
 */
export async function confirm(ctx: CommandContext, plan: string[], question: string): Promise<void> {
  if (ctx.yes) return;
  if (process.stdin.isTTY !== true) {
    throw usageError(`refusing to ${question.replace(/\?$/, '')} without confirmation: stdin is not a terminal`, 'Pass --yes to confirm in scripts.');
  }
  for (const line of plan) ctx.out.err(line);
  const answer = await ask(`${ctx.out.errColor.bold(question)} [y/N] `);
  if (!/^(y|yes)$/i.test(answer)) throw new CliError(exitCodes.failure, 'Aborted', 'nothing was changed');
}
