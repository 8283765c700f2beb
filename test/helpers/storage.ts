import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import type { ProvidedAzurite } from '../setup/providedContext';

/** Connection string of the shared Azurite (devstoreaccount1, http, blob + queue + table endpoints). */
export function azuriteConnectionString(): string {
  return inject('azurite').connectionString;
}

/** Blob / queue / table endpoints of the shared Azurite, each ending in `/devstoreaccount1`. */
export function azuriteEndpoints(): ProvidedAzurite {
  return inject('azurite');
}

function unique(): string {
  return `${process.pid.toString(36)}${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
}

/**
 * A table name no other test uses (letters and digits, starts with a letter, ≤ 63 chars).
 * @param prefix letters/digits only; @default 't'
 */
export function uniqueTableName(prefix = 't'): string {
  return `${prefix.replace(/[^A-Za-z0-9]/g, '') || 't'}${unique()}`.slice(0, 63);
}

/**
 * A blob container (or queue) name no other test uses (lowercase letters, digits, single hyphens, ≤ 63 chars).
 * @param prefix @default 'c'
 */
export function uniqueContainerName(prefix = 'c'): string {
  const clean = prefix.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'c';
  return `${clean}-${unique()}`.slice(0, 63);
}
