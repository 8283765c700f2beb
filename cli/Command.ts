import { usageError } from './CliError';
import type { ApiClient } from './ApiClient';
import type { Output } from './output/Output';

/** One option of a command, as node:util parseArgs takes it, plus its help text. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** Help text; name the default in it. */
  description: string;
  /** Shown in help after the flag (`--rate <keys/s>`). */
  valueName?: string;
}

/** Parsed flags: strings, booleans or (for `multiple`) lists of strings. */
export type Flags = Record<string, string | boolean | string[] | undefined>;

/** What a command runs with. */
export interface CommandContext {
  positionals: string[];
  flags: Flags;
  out: Output;
  /** --json: one JSON document on stdout, nothing else there. */
  json: boolean;
  /** --yes: destructive commands do not ask. */
  yes: boolean;
  env: NodeJS.ProcessEnv;
  /** The admin API (connection resolved on first use, so `rcm completion` needs none). */
  api(): ApiClient;
}

/** A command module's export: usage, options and the run function (returns the exit code). */
export interface CommandSpec {
  usage: string[];
  description: string;
  options: Record<string, OptionSpec>;
  /** Sub-commands, for help and completion. */
  subcommands?: string[];
  examples?: string[];
  run(ctx: CommandContext): Promise<number>;
}

/** Reads a string flag ('' and absent are undefined). */
export function stringFlag(flags: Flags, name: string): string | undefined {
  const v = flags[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The positional at `index`, or a usage error naming it. */
export function positional(ctx: CommandContext, index: number, name: string, usage: string): string {
  const v = ctx.positionals[index];
  if (v === undefined || v === '') throw usageError(`missing ${name}`, `Usage: rcm ${usage}`);
  return v;
}

/** Fails on positionals beyond `count` (a typo should not be silently ignored). */
export function noExtraPositionals(ctx: CommandContext, count: number, usage: string): void {
  if (ctx.positionals.length > count) throw usageError(`unexpected argument '${ctx.positionals[count] ?? ''}'`, `Usage: rcm ${usage}`);
}

/** A number flag within bounds, or a usage error naming the flag. */
export function numberFlag(flags: Flags, name: string, bounds: { min?: number; max?: number; integer?: boolean } = {}): number | undefined {
  const raw = stringFlag(flags, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  const bad = !Number.isFinite(n) || (bounds.integer === true && !Number.isInteger(n)) || (bounds.min !== undefined && n < bounds.min) || (bounds.max !== undefined && n > bounds.max);
  if (bad) throw usageError(`--${name} must be ${bounds.integer ? 'an integer' : 'a number'}${bounds.min !== undefined ? ` >= ${bounds.min}` : ''}${bounds.max !== undefined ? ` <= ${bounds.max}` : ''}, not '${raw}'`);
  return n;
}

/** Prints the value as indented JSON (the --json output of every command). */
export function printJson(ctx: CommandContext, value: unknown): 0 {
  ctx.out.line(JSON.stringify(value, null, 2));
  return 0;
}
