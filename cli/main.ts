#!/usr/bin/env node
/**
 * `rcm`: the operator CLI over the admin API. Only node built-ins load before a command is chosen, and the
 * command's module loads after, so `rcm --help` stays well under the 150 ms budget (docs/cli.md).
 */
import { parseArgs } from 'node:util';
import { exitCodes, isCliError, usageError } from './CliError';
import type { CommandContext, CommandSpec, OptionSpec } from './Command';
import { commandTable, globalOptions } from './commandTable';
import { formatOptions } from './helpText';

/* eslint-disable @typescript-eslint/no-require-imports -- lazy require(): only the chosen command's modules load (see commandTable.ts) */

const TOP_HELP = `rcm: operate Redis caches through the Redis Cluster Manager admin API

Usage: rcm <command> [arguments] [flags]

Commands:
${Object.entries(commandTable).map(([name, c]) => `  ${name.padEnd(12)}${c.summary}`).join('\n')}

Flags (every command):
${formatOptions(globalOptions)}

Connection: flags, then RCM_URL / RCM_FUNCTION_KEY / RCM_API_KEY, then the profile (rcm login), then, for a
local URL, the keys of a local \`npm start\` (.local/keys.json, or $RCM_STATE_DIR/keys.json).

Exit codes: 0 ok, 1 problems found / job failed / server error, 2 usage, 3 auth, 4 not found, 5 conflict,
6 unavailable, 130 interrupted.  Run 'rcm <command> --help' for a command's flags.  Docs: docs/cli.md`;

function commandHelp(name: string, spec: CommandSpec): string {
  return [
    `Usage:\n${spec.usage.map((u) => `  rcm ${u}`).join('\n')}`,
    '',
    spec.description,
    ...(Object.keys(spec.options).length ? ['', 'Flags:', formatOptions(spec.options)] : []),
    '',
    'Global flags:',
    formatOptions(globalOptions),
    ...(spec.examples?.length ? ['', 'Examples:', ...spec.examples.map((e) => `  $ ${e}`)] : []),
    '',
    `See docs/cli.md#${name}.`,
  ].join('\n');
}

function didYouMean(word: string): string {
  const near = Object.keys(commandTable).filter((c) => c.startsWith(word.slice(0, 2)) || word.startsWith(c.slice(0, 3)));
  return near.length ? `Did you mean: ${near.join(', ')}? Run 'rcm --help' for every command.` : "Run 'rcm --help' for every command.";
}

async function run(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    const entry = topic === undefined ? undefined : commandTable[topic];
    if (topic !== undefined && entry === undefined) throw usageError(`unknown command '${topic}'`, didYouMean(topic));
    process.stdout.write((entry && topic ? commandHelp(topic, entry.load()) : TOP_HELP) + '\n');
    return name === undefined ? exitCodes.usage : exitCodes.ok;
  }
  if (name === '--version' || name === '-V') {
    const { version } = (require('./version.js') as typeof import('./version.js')).packageInfo();
    process.stdout.write(`rcm ${version}\n`);
    return exitCodes.ok;
  }
  const entry = commandTable[name];
  if (!entry) throw usageError(`unknown command '${name}'`, didYouMean(name));
  const spec = entry.load();
  const options: Record<string, OptionSpec> = { ...globalOptions, ...spec.options };
  let parsed: { values: Record<string, string | boolean | (string | boolean)[] | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
  } catch (err) {
    const e = err as Error & { code?: string };
    if (e.code?.startsWith('ERR_PARSE_ARGS')) throw usageError(e.message.replace(/\. To specify a positional argument.*$/s, ''), `Usage: ${spec.usage.map((u) => `rcm ${u}`).join(' | ')}   (rcm ${name} --help)`);
    throw err;
  }
  if (parsed.values.help === true) {
    process.stdout.write(commandHelp(name, spec) + '\n');
    return exitCodes.ok;
  }
  const flags = parsed.values as CommandContext['flags'];
  const { processOutput } = require('./output/Output.js') as typeof import('./output/Output.js');
  const out = processOutput(flags['no-color'] === true);
  let api: CommandContext['api'] | undefined;
  const { ApiClient } = require('./ApiClient.js') as typeof import('./ApiClient.js');
  const { resolveConnection } = require('./config/resolveConnection.js') as typeof import('./config/resolveConnection.js');
  const ctx: CommandContext = {
    positionals: parsed.positionals,
    flags,
    out,
    json: flags.json === true,
    yes: flags.yes === true,
    env: process.env,
    api: () => {
      if (!api) {
        const client = new ApiClient(resolveConnection(flags as Parameters<typeof resolveConnection>[0], process.env));
        api = () => client;
      }
      return api();
    },
  };
  return spec.run(ctx);
}

function report(err: unknown, json: boolean): number {
  if (isCliError(err)) {
    if (json) {
      process.stderr.write(JSON.stringify({ error: { title: err.title, detail: err.message, code: err.code ?? null, fields: err.fields, hint: err.hint ?? null, exitCode: err.exitCode } }) + '\n');
    } else {
      const lines = [`rcm: ${err.title}: ${err.message}`, ...err.fields.map((f) => `  ${f.field}: ${f.message}`), ...(err.hint ? [err.hint] : [])];
      process.stderr.write(lines.join('\n') + '\n');
    }
    return err.exitCode;
  }
  // Not ours to explain: say so in one line; the stack only on request (never for expected failures).
  const e = err instanceof Error ? err : new Error(String(err));
  process.stderr.write(`rcm: internal error: ${e.message}\n${process.env.RCM_DEBUG ? `${e.stack ?? ''}\n` : 'Set RCM_DEBUG=1 for the stack trace.\n'}`);
  return exitCodes.failure;
}

// `rcm top | head -3`: the reader went away; stop quietly (exit 0, as `yes | head` does), not with a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(exitCodes.ok);
  throw err;
});

const argv = process.argv.slice(2);
run(argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.exitCode = report(err, argv.includes('--json'));
  },
);

