// Aggregate: the append-only audit log (triggers in migration 1 refuse UPDATE and DELETE).
import type { WriteTx } from './db';
import type { GridOwner } from './grid';
import { queryPage, type GridSpec } from './grid';
import type { PageRequest, PageResult } from '../api/grid-types';

export interface AuditEntry {
  userId: string;
  action: string;
  entity: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
}

/** Record a user's decision; call it inside the transaction that carries the decision out. */
export async function audit(tx: WriteTx, e: AuditEntry): Promise<void> {
  await tx.run(
    `INSERT INTO audit_log (at, user_id, action, entity, entity_id, before_json, after_json, reason)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      new Date().toISOString(),
      e.userId,
      e.action,
      e.entity,
      e.entityId,
      e.before === undefined ? null : JSON.stringify(e.before),
      e.after === undefined ? null : JSON.stringify(e.after),
      e.reason ?? null,
    ],
  );
}

export const AUDIT_GRID: GridSpec = {
  from: 'audit_log a',
  columns: {
    id: { sql: 'a.id', type: 'number' },
    at: { sql: 'a.at', type: 'date' },
    userId: { sql: 'a.user_id', type: 'text' },
    action: { sql: 'a.action', type: 'text' },
    entity: { sql: 'a.entity', type: 'text' },
    entityId: { sql: 'a.entity_id', type: 'text' },
    before: { sql: 'a.before_json', type: 'text' },
    after: { sql: 'a.after_json', type: 'text' },
    reason: { sql: 'a.reason', type: 'text' },
  },
  defaultSort: 'a.id DESC',
  tieBreak: 'a.id',
  base: { table: 'audit_log', alias: 'a' },
};

export interface AuditRow {
  id: number;
  at: string;
  userId: string;
  action: string;
  entity: string;
  entityId: string;
  before: string | null;
  after: string | null;
  reason: string | null;
}

export function pageAudit(db: GridOwner, req: PageRequest): Promise<PageResult<AuditRow>> {
  return queryPage(db.read, AUDIT_GRID, req, db);
}
