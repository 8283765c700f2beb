import type { NamedSchema } from '../../platform/http/RouteDoc';
import { jsonSchema } from './jsonSchema';

/**
 * `components.schemas` being collected: every named schema an operation uses, once. Two different schemas under one
 * name are a problem (a client would bind one name to two shapes), as is anything API Management cannot import
 * inside a component (a nested `$ref` or `$defs` from zod).
 */
export class SchemaComponents {
  private readonly schemas = new Map<string, { json: string; usedBy: string }>();
  readonly problems: string[] = [];

  /** Registers `named` (as a request or a response shape) and answers the `$ref` to it. */
  ref(named: NamedSchema, io: 'input' | 'output', usedBy: string): { $ref: string } {
    const json = JSON.stringify(jsonSchema(named.schema, io));
    const seen = this.schemas.get(named.name);
    if (!seen) {
      this.schemas.set(named.name, { json, usedBy });
      if (/"\$(ref|defs)"/.test(json)) this.problems.push(`component '${named.name}' (${usedBy}) holds a nested $ref/$defs: give the inner schema its own name`);
    } else if (seen.json !== json) {
      this.problems.push(`component '${named.name}' has two different schemas (${seen.usedBy} and ${usedBy})`);
    }
    return { $ref: `#/components/schemas/${named.name}` };
  }

  /** The collected schemas, sorted by name so the document is stable. */
  toJSON(): Record<string, unknown> {
    return Object.fromEntries([...this.schemas.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, { json }]) => [name, JSON.parse(json) as unknown]));
  }
}
