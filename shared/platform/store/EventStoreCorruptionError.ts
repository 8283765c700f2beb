/**
 * A stored row no longer matches its schema (edited by hand, written by a broken release). This is our fault,
 * not the caller's, so it surfaces as a 500; the message names the row and the field so an operator can fix it.
 */
export class EventStoreCorruptionError extends Error {
  readonly code = 'store_corrupted';
  constructor(message: string) {
    super(message);
    this.name = 'EventStoreCorruptionError';
  }
}
