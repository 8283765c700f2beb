import type { Role } from './permissions';
import type { Route } from './route';

/** What every view may read: who is signed in, and how to navigate. */
export interface AppContext {
  role: Role | null;
  principal: string | null;
  /** Navigates (pushes a history entry). */
  go(route: Route): void;
  /** Shows the result of an action (or its problem+json) in the page's status area. */
  notify(kind: 'ok' | 'error', title: string, detail?: string): void;
  /** Refreshes the current view now (after an action). */
  refreshSoon(): void;
}

/** A mounted view: `refresh` re-reads its data and updates in place; `destroy` stops its charts. */
export interface View {
  readonly el: HTMLElement;
  refresh(): Promise<void>;
  destroy(): void;
}
