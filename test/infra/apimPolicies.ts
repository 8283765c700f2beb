import { readSource } from './infraSource';

/**
 * The policies as apim.bicep deploys them: the same placeholder replacements its `replace(...)` calls make
 * (consoleApi.test.ts checks the Bicep makes exactly these), so tests read what APIM receives.
 */
const fragment = () => readSource('infra/policies/entra-identity.xml');

export function mainApiPolicy(calls = 120, period = 60): string {
  return readSource('infra/policies/api-policy.xml')
    .replaceAll('__RATE_LIMIT_CALLS__', String(calls))
    .replaceAll('__RATE_LIMIT_PERIOD__', String(period))
    .replaceAll('__ENTRA_IDENTITY__', fragment());
}

export function consoleApiPolicy(sku: 'Consumption' | 'Developer' | 'BasicV2' | 'StandardV2', calls = 300, period = 60, concurrency = 20): string {
  const byKey = sku !== 'Consumption' ? `<rate-limit-by-key calls="${calls}" renewal-period="${period}" counter-key="@((string)context.Variables["rcm-throttle-key"])" />` : '';
  return readSource('infra/policies/console-api-policy.xml')
    .replaceAll('__ENTRA_IDENTITY__', fragment())
    .replaceAll('__RATE_LIMIT_BY_KEY__', byKey)
    .replaceAll('__CONCURRENCY__', String(concurrency));
}

/** One element of a policy: its name, the raw start tag (attributes as written) and its children. */
export interface PolicyElement {
  name: string;
  tag: string;
  children: PolicyElement[];
}

/**
 * The element tree of a policy (comments dropped; the text of `@{...}` expressions ignored). Enough for policies,
 * whose attribute expressions hold no `>`; throws on an unbalanced document.
 */
export function policyTree(xml: string): PolicyElement {
  const root: PolicyElement = { name: '#document', tag: '', children: [] };
  const stack = [root];
  for (const m of xml.replace(/<!--[\s\S]*?-->/g, '').matchAll(/<(\/?)([\w-]+)[^>]*?(\/?)>/g)) {
    const top = stack[stack.length - 1] as PolicyElement;
    if (m[1] === '/') {
      if (top.name !== m[2]) throw new Error(`</${m[2]}> closes <${top.name}>`);
      stack.pop();
      continue;
    }
    const element: PolicyElement = { name: m[2] ?? '', tag: m[0], children: [] };
    top.children.push(element);
    if (m[3] !== '/') stack.push(element);
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1]?.name}>`);
  return root;
}

/** The first element on a path of names (`policies/inbound/choose`); throws when missing. */
export function child(element: PolicyElement, path: string): PolicyElement {
  let current = element;
  for (const name of path.split('/')) {
    const next = current.children.find((c) => c.name === name);
    if (!next) throw new Error(`no <${name}> under <${current.name}>`);
    current = next;
  }
  return current;
}

/** Names of every element below, depth first. */
export function descendants(element: PolicyElement): string[] {
  return element.children.flatMap((c) => [c.name, ...descendants(c)]);
}
