import type { EntraConfig, EntraSignIn } from './entraTypes';

/**
 * The console side of the Entra sign-in: reads the settings (`dashboard/assets/entra-config.json`) and loads the
 * MSAL bundle (`entra.js`) only when asked, as a script of our own origin (the CSP allows nothing else).
 */
let config: Promise<EntraConfig | null> | null = null;
let loaded: Promise<EntraSignIn> | null = null;

/** The sign-in settings, or null when Entra sign-in is not configured (or cannot be read). */
export function entraConfig(): Promise<EntraConfig | null> {
  config ??= fetch('dashboard/assets/entra-config.json', { credentials: 'same-origin' })
    .then(async (r) => (r.ok ? ((await r.json()) as { enabled: boolean }) : { enabled: false }))
    .then((c) => (c.enabled ? (c as EntraConfig) : null))
    .catch(() => null);
  return config;
}

/** `window.rcmEntra`, loading entra.js the first time. */
export function entra(): Promise<EntraSignIn> {
  loaded ??= new Promise<EntraSignIn>((resolve, reject) => {
    if (window.rcmEntra) return resolve(window.rcmEntra);
    const script = document.createElement('script');
    script.src = 'dashboard/assets/entra.js';
    script.addEventListener('load', () => (window.rcmEntra ? resolve(window.rcmEntra) : reject(new Error('entra.js did not load'))));
    script.addEventListener('error', () => {
      loaded = null;
      reject(new Error('could not load entra.js'));
    });
    document.head.append(script);
  });
  return loaded;
}
