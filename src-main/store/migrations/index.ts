// Numbered migrations, applied in order. Each is a TypeScript module holding its SQL text so the same
// file works under tsx, Vitest and the electron-vite bundle without a file-system lookup at run time.
import * as m0001 from './0001_init';
import * as m0002 from './0002_statements';
import * as m0003 from './0003_recon';
import * as m0004 from './0004_journal';
import * as m0005 from './0005_periods';
import * as m0006 from './0006_statement_storage';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, ...m0001 },
  { version: 2, ...m0002 },
  { version: 3, ...m0003 },
  { version: 4, ...m0004 },
  { version: 5, ...m0005 },
  { version: 6, ...m0006 },
];
