/**
 * ASP.NET-style route templates as the Functions host accepts them: literal segments, `{name}`,
 * optional `{name?}`, defaults `{name=value}`, constraints `{id:int}` / `{name:alpha}` / `{id:guid}` /
 * `{n:range(1,9)}` ..., catch-all `{*rest}`, and complex segments like `{file}.{ext}`.
 */

interface ParamPart {
  kind: 'param';
  name: string;
  constraints: { name: string; arg?: string }[];
  optional: boolean;
  defaultValue?: string;
  catchAll: boolean;
}
type Part = { kind: 'literal'; text: string } | ParamPart;
type Segment = Part[];

export interface RouteTemplate {
  template: string;
  segments: Segment[];
  /** Lower sorts first: literal segments win over parameters, parameters over catch-alls. */
  precedence: number[];
}

const guid = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$|^\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}$/i;

function numberArgs(arg: string | undefined): number[] {
  return (arg ?? '').split(',').map((a) => Number(a.trim()));
}

/** Returns true when `value` satisfies the route constraint; unknown constraints are rejected at parse time. */
const constraintChecks: Record<string, (value: string, arg?: string) => boolean> = {
  int: (v) => /^-?\d+$/.test(v) && Math.abs(Number(v)) <= 2147483648,
  long: (v) => /^-?\d+$/.test(v),
  alpha: (v) => /^[a-z]+$/i.test(v),
  guid: (v) => guid.test(v),
  bool: (v) => /^(true|false)$/i.test(v),
  double: (v) => /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v),
  float: (v) => /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v),
  decimal: (v) => /^-?(\d+\.?\d*|\.\d+)$/.test(v),
  datetime: (v) => !Number.isNaN(Date.parse(v)),
  minlength: (v, a) => v.length >= (numberArgs(a)[0] ?? 0),
  maxlength: (v, a) => v.length <= (numberArgs(a)[0] ?? Infinity),
  length: (v, a) => {
    const [min = 0, max] = numberArgs(a);
    return max === undefined ? v.length === min : v.length >= min && v.length <= max;
  },
  min: (v, a) => /^-?\d+$/.test(v) && Number(v) >= (numberArgs(a)[0] ?? -Infinity),
  max: (v, a) => /^-?\d+$/.test(v) && Number(v) <= (numberArgs(a)[0] ?? Infinity),
  range: (v, a) => {
    const [min = -Infinity, max = Infinity] = numberArgs(a);
    return /^-?\d+$/.test(v) && Number(v) >= min && Number(v) <= max;
  },
  regex: (v, a) => new RegExp(a ?? '', 'i').test(v),
};

function parseParam(body: string, template: string): ParamPart {
  let rest = body;
  const catchAll = rest.startsWith('*');
  if (catchAll) rest = rest.replace(/^\*+/, '');
  let optional = false;
  let defaultValue: string | undefined;
  const eq = rest.indexOf('=');
  if (eq >= 0) {
    defaultValue = rest.slice(eq + 1);
    rest = rest.slice(0, eq);
  }
  if (rest.endsWith('?')) {
    optional = true;
    rest = rest.slice(0, -1);
  }
  const [name = '', ...constraintTexts] = splitConstraints(rest);
  if (!/^[A-Za-z_][\w]*$/.test(name)) throw new Error(`Invalid parameter name "${name}" in route "${template}"`);
  const constraints = constraintTexts.map((text) => {
    const m = /^(\w+)(?:\((.*)\))?$/.exec(text);
    const cname = m?.[1]?.toLowerCase();
    if (!m || !cname || !(cname in constraintChecks)) {
      throw new Error(`Unknown constraint "${text}" in route "${template}"`);
    }
    return { name: cname, arg: m[2] };
  });
  return { kind: 'param', name, constraints, optional, defaultValue, catchAll };
}

/** Splits `id:int:range(1,5)` on colons outside parentheses. */
function splitConstraints(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ':' && depth === 0) {
      out.push(current);
      current = '';
    } else current += ch;
  }
  out.push(current);
  return out;
}

function parseSegment(text: string, template: string): Segment {
  const parts: Part[] = [];
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('{', i);
    if (open < 0) {
      parts.push({ kind: 'literal', text: text.slice(i) });
      break;
    }
    if (open > i) parts.push({ kind: 'literal', text: text.slice(i, open) });
    const close = findClose(text, open);
    if (close < 0) throw new Error(`Unclosed "{" in route "${template}"`);
    parts.push(parseParam(text.slice(open + 1, close), template));
    i = close + 1;
  }
  return parts;
}

function findClose(text: string, open: number): number {
  let depth = 0;
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth--;
    else if (text[i] === '}' && depth === 0) return i;
  }
  return -1;
}

function segmentPrecedence(segment: Segment): number {
  const [only] = segment;
  if (segment.length > 1) return 2;
  if (!only || only.kind === 'literal') return 1;
  if (only.catchAll) return 5;
  return only.constraints.length > 0 ? 3 : 4;
}

export function parseRouteTemplate(template: string): RouteTemplate {
  const trimmed = template.replace(/^[~/]+|\/+$/g, '');
  const segments = trimmed === '' ? [] : trimmed.split('/').map((s) => parseSegment(s, template));
  segments.forEach((segment, index) => {
    for (const part of segment) {
      if (part.kind !== 'param') continue;
      if (part.catchAll && index !== segments.length - 1) {
        throw new Error(`A catch-all parameter must be the last segment in route "${template}"`);
      }
      if (part.optional && segment.length > 1) {
        throw new Error(`An optional parameter must be a whole segment in route "${template}"`);
      }
    }
  });
  return { template, segments, precedence: segments.map(segmentPrecedence) };
}

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function satisfies(part: ParamPart, value: string): boolean {
  return part.constraints.every((c) => constraintChecks[c.name]?.(value, c.arg) ?? false);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function matchSegment(segment: Segment, value: string, params: Record<string, string>): boolean {
  const [only] = segment;
  if (segment.length === 1 && only) {
    if (only.kind === 'literal') return only.text.toLowerCase() === value.toLowerCase();
    if (!satisfies(only, value)) return false;
    params[only.name] = value;
    return true;
  }
  const pattern = segment.map((p) => (p.kind === 'literal' ? escapeRegExp(p.text) : '(.+)')).join('');
  const m = new RegExp(`^${pattern}$`, 'i').exec(value);
  if (!m) return false;
  let group = 1;
  for (const part of segment) {
    if (part.kind !== 'param') continue;
    const captured = m[group++] ?? '';
    if (!satisfies(part, captured)) return false;
    params[part.name] = captured;
  }
  return true;
}

/**
 * Matches a URL path (without the route prefix, not yet decoded) against the template.
 * Returns the route parameters, or undefined when it does not match.
 */
export function matchRoute(route: RouteTemplate, path: string): Record<string, string> | undefined {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  const raw = trimmed === '' ? [] : trimmed.split('/');
  const values: string[] = [];
  for (const s of raw) {
    const decoded = decode(s);
    if (decoded === undefined) return undefined;
    values.push(decoded);
  }
  const params: Record<string, string> = {};
  let i = 0;
  for (const segment of route.segments) {
    const [only] = segment;
    if (only?.kind === 'param' && only.catchAll) {
      const rest = values.slice(i).join('/');
      if (rest !== '' && !satisfies(only, rest)) return undefined;
      if (rest !== '') params[only.name] = rest;
      else if (only.defaultValue !== undefined) params[only.name] = only.defaultValue;
      return params;
    }
    const value = values[i];
    if (value === undefined) {
      if (only?.kind === 'param' && segment.length === 1 && (only.optional || only.defaultValue !== undefined)) {
        if (only.defaultValue !== undefined) params[only.name] = only.defaultValue;
        continue;
      }
      return undefined;
    }
    if (!matchSegment(segment, value, params)) return undefined;
    i++;
  }
  return i === values.length ? params : undefined;
}

/** Orders templates so the most specific wins, as ASP.NET routing does. */
export function compareRoutes(a: RouteTemplate, b: RouteTemplate): number {
  const n = Math.max(a.precedence.length, b.precedence.length);
  for (let i = 0; i < n; i++) {
    const pa = a.precedence[i] ?? 0;
    const pb = b.precedence[i] ?? 0;
    if (pa !== pb) return pa - pb;
  }
  return 0;
}
