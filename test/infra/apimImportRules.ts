/**
 * API Management's documented OpenAPI import restrictions ("API import restrictions and known issues",
 * learn.microsoft.com/azure/api-management/api-management-api-import-restrictions), as checks on a document.
 * Each message names the rule and where it is broken.
 */
type Json = Record<string, unknown>;

const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
/** "x-ms-paths and x-servers are the only supported extensions"; custom ones are dropped on import. */
const supportedExtensions = new Set(['x-ms-paths', 'x-servers']);
/** "When imported inline to API Management, an OpenAPI specification can be up to 4 MB in size." */
export const maxInlineImportBytes = 4 * 1024 * 1024;
const primitiveTypes = new Set(['string', 'integer', 'number', 'boolean']);

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function apimImportProblems(document: Json): string[] {
  const problems: string[] = [];
  const version = String(document['openapi'] ?? document['swagger'] ?? '');
  if (/^3\.1\./.test(version)) problems.push(`openapi ${version}: 3.1 is import-only in API Management (3.1 constructs are ignored or downgraded); use 3.0.x up to 3.0.3`);
  else if (!/^(2\.0|3\.0\.[0-3])$/.test(version)) problems.push(`openapi ${version}: API Management supports 2.0 and 3.0.x up to 3.0.3`);
  const size = Buffer.byteLength(JSON.stringify(document));
  if (size > maxInlineImportBytes) problems.push(`document is ${size} bytes: inline import allows up to 4 MB`);
  walk(document, '#', (value, pointer) => {
    for (const key of Object.keys(value)) {
      if (key.startsWith('x-') && !supportedExtensions.has(key)) problems.push(`${pointer}/${key}: custom extension (only x-ms-paths and x-servers are supported; others are dropped)`);
      if (key === 'examples' && !pointer.includes('/properties')) problems.push(`${pointer}/examples: "examples" is not supported (use "example")`);
    }
    const ref = value['$ref'];
    if (typeof ref === 'string' && !ref.startsWith('#/')) problems.push(`${pointer}: $ref '${ref}' points to an external file`);
  });
  const schemas = isObject(document['components']) && isObject(document['components']['schemas']) ? document['components']['schemas'] : {};
  for (const name of Object.keys(schemas)) {
    if (refsReachable(schemas, name).has(name)) problems.push(`#/components/schemas/${name}: defined recursively (not supported)`);
  }
  const paths = isObject(document['paths']) ? document['paths'] : {};
  for (const [path, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    const templateParams = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? '');
    for (const method of methods) {
      const op = item[method];
      if (!isObject(op)) continue;
      const where = `${method.toUpperCase()} ${path}`;
      const parameters = [...(Array.isArray(item['parameters']) ? item['parameters'] : []), ...(Array.isArray(op['parameters']) ? op['parameters'] : [])].filter(isObject);
      const pathParams = parameters.filter((p) => p['in'] === 'path').map((p) => String(p['name']));
      for (const name of pathParams) if (!templateParams.includes(name)) problems.push(`${where}: path parameter '${name}' is not part of the URL template`);
      for (const name of templateParams) if (!pathParams.includes(name)) problems.push(`${where}: template parameter '{${name}}' is not defined`);
      const required = parameters.filter((p) => (p['in'] === 'path' || p['in'] === 'query') && p['required'] === true).map((p) => String(p['name']).toLowerCase());
      for (const name of new Set(required.filter((n, i) => required.indexOf(n) !== i))) problems.push(`${where}: required path/query parameter names must be unique (case-insensitive): '${name}'`);
      for (const p of parameters) {
        const schema = p['schema'];
        if (isObject(schema) && !('$ref' in schema) && !isPrimitive(schema)) problems.push(`${where}: parameter '${String(p['name'])}' has an inline non-primitive schema`);
      }
      if (['get', 'head', 'options'].includes(method) && op['requestBody'] !== undefined) problems.push(`${where}: a request body on ${method.toUpperCase()} is discarded on import`);
      const body = isObject(op['requestBody']) ? op['requestBody'] : undefined;
      for (const [type, media] of Object.entries(isObject(body?.['content']) ? body['content'] : {})) {
        if (type === 'multipart/form-data') problems.push(`${where}: multipart/form-data is not supported`);
        if (isObject(media) && isObject(media['schema']) && !('$ref' in media['schema'])) problems.push(`${where}: inline request schema (${type}); reference a components schema`);
      }
      for (const [status, response] of Object.entries(isObject(op['responses']) ? op['responses'] : {})) {
        if (!isObject(response)) continue;
        for (const [type, media] of Object.entries(isObject(response['content']) ? response['content'] : {})) {
          if (isObject(media) && isObject(media['schema']) && !('$ref' in media['schema'])) problems.push(`${where} ${status}: inline response schema (${type}); reference a components schema`);
        }
      }
    }
  }
  return problems;
}

/** A parameter schema APIM maps to a template/query parameter: a primitive type (or a choice of primitives). */
function isPrimitive(schema: Json): boolean {
  if (typeof schema['type'] === 'string') return primitiveTypes.has(schema['type']);
  const anyOf = schema['anyOf'] ?? schema['oneOf'];
  return Array.isArray(anyOf) && anyOf.every((s) => isObject(s) && isPrimitive(s));
}

function walk(value: unknown, pointer: string, visit: (value: Json, pointer: string) => void): void {
  if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${pointer}/${i}`, visit));
  else if (isObject(value)) {
    visit(value, pointer);
    for (const [key, child] of Object.entries(value)) walk(child, `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, visit);
  }
}

/** Component names reachable through `$ref` from `name` (itself included when recursive). */
function refsReachable(schemas: Json, name: string): Set<string> {
  const seen = new Set<string>();
  const queue = [name];
  while (queue.length > 0) {
    const current = queue.pop() ?? '';
    walk(schemas[current], '', (value) => {
      const ref = value['$ref'];
      const target = typeof ref === 'string' ? /^#\/components\/schemas\/(.+)$/.exec(ref)?.[1] : undefined;
      if (target && !seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
    });
  }
  return seen;
}
