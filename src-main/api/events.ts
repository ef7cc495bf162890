// News from the main side to the renderer (the other direction of the contract).
import type { JobState } from '../jobs/runner';

export type AppEvent =
  | { type: 'job'; job: JobState }
  /** Data of this scope changed (after a sync page, an import, a decision): grids refresh. */
  | { type: 'data-changed'; scope: 'orders' | 'statements' | 'recon' | 'journal' | 'close' | 'settings' };
