import { z } from 'zod';
import type { Role } from '../auth/Principal';

/**
 * A schema with the name it carries in the API description (`components.schemas.<name>`). Operations refer to it
 * with `$ref` only: API Management does not support inline schemas in operations, and a name makes a shape
 * reusable by clients.
 */
export interface NamedSchema {
  readonly name: string;
  readonly schema: z.ZodType;
}

/** Names `schema` for the API description (see {@link NamedSchema}). */
export function named(name: string, schema: z.ZodType): NamedSchema {
  return { name, schema };
}

/**
 * A named JSON object whose fields are not yet pinned by a zod schema (the handler builds it from internal types).
 * Clients get its description and a name to bind to; replace it with a real schema when the shape settles.
 */
export function openObject(name: string, description: string): NamedSchema {
  return named(name, z.looseObject({}).describe(description));
}

/** One response of an operation. */
export interface ResponseDoc {
  description: string;
  /**
   * Body schema. Omitted: no body for 1xx-3xx, the `Problem` schema for 4xx/5xx.
   */
  body?: NamedSchema;
  /** @default 'application/json' ('application/problem+json' for 4xx/5xx) */
  contentType?: string;
  /** Response headers by name, with their description. */
  headers?: Record<string, string>;
}

/** Request headers the HTTP conventions give meaning to (`shared/platform/http`). */
export type ConventionHeader = 'If-Match' | 'If-None-Match' | 'Idempotency-Key';

/**
 * What the API description says about one route (one method of one function), declared next to its handler in the
 * route table so a route cannot exist undocumented. The role, the path, the conventions every admin route shares
 * (401/403/500, `x-correlation-id`, `code` query parameter) are added by the document builder in `shared/app/openapi`.
 */
export interface RouteDoc {
  /** Unique across the API; also the operation's name in API Management. */
  operationId: string;
  summary: string;
  description?: string;
  /** @default 'admin' */
  tag?: 'admin' | 'meta';
  /**
   * Path parameters by name, for the ones the builder does not know (`id` = cluster id, `ns` = namespace id,
   * `jobId` = job id are known); also overrides those.
   */
  params?: Record<string, { description: string; schema?: NamedSchema }>;
  /** Query parameters: the zod object the handler parses them with (each field a string, number, boolean or enum). */
  query?: z.ZodObject;
  /** Convention headers the route honours. */
  headers?: readonly ConventionHeader[];
  /** JSON request body. */
  body?: { schema: NamedSchema; /** @default true */ required?: boolean };
  /** By status code; a plain string is a description (with the `Problem` body for 4xx/5xx). */
  responses: Record<string, ResponseDoc | string>;
}

export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';

/** A route as the API description sees it: who may call it and what it says about itself. */
export interface DocumentedRoute {
  /** Minimum role; `public` skips the role check (the function key, if any, still applies). */
  role: Role | 'public';
  doc: RouteDoc;
}

/**
 * The description of an HTTP function that is not a `RouteTable` (a page, an anonymous probe); a `RouteTable` is one
 * of these too.
 */
export type DocumentedRoutes = Partial<Record<HttpMethod, DocumentedRoute>>;

/** A resource response: the body and its strong `ETag` (what `If-Match` / `If-None-Match` compare). */
export function resourceDoc(schema: NamedSchema, description: string): ResponseDoc {
  return { description, body: schema, headers: { ETag: 'strong entity tag of the returned version' } };
}
