import { z } from 'zod';

/**
 * Characters a human-readable value may not hold: C0 controls (NUL included), DEL, C1 controls, and the Unicode
 * bidirectional controls (U+061C, U+200E-U+200F, U+202A-U+202E, U+2066-U+2069) that make a label display as
 * something other than what it is ("Trojan Source") in the console, logs and the audit log.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const unsafeTextPattern = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** A free-text value (labels, display names) of at most `max` characters, without control or bidi characters. */
export function plainTextSchema(max: number) {
  return z
    .string()
    .max(max)
    .refine((s) => !unsafeTextPattern.test(s), 'must not contain control characters (NUL, newlines...) or bidirectional text controls');
}
