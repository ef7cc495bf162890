// Migration 5: month-end close (domain.md step 6, reconciliation.md §8). A period is a calendar month
// of business days. Its preparer signs the checklist off, a different reviewer signs it off again,
// then it is locked: every service refuses changes dated in it until someone reopens it with a
// reason. The acts themselves are audit rows; these tables hold the current state and the
// explanations people gave for items still open at month end.
export const name = 'periods';
export const sql = /* sql */ `
CREATE TABLE close_period (
  period          TEXT NOT NULL PRIMARY KEY CHECK (period GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
  status          TEXT NOT NULL CHECK (status IN ('open','prepared','reviewed','locked')),
  prepared_by     TEXT,
  prepared_at     TEXT,
  reviewed_by     TEXT,
  reviewed_at     TEXT,
  locked_by       TEXT,
  locked_at       TEXT,
  reopened_by     TEXT,
  reopened_at     TEXT,
  reopen_reason   TEXT,
  checklist_json  TEXT,   -- the checklist as the last signature saw it
  CHECK (reviewed_by IS NULL OR reviewed_by <> prepared_by)
) WITHOUT ROWID;

-- Why an item is still open at month end (a person's words; the newest one counts).
CREATE TABLE close_explanation (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  discrepancy_id  TEXT NOT NULL,
  period          TEXT NOT NULL,
  text            TEXT NOT NULL,
  actor           TEXT NOT NULL,
  at              TEXT NOT NULL
);
CREATE INDEX close_explanation_disc ON close_explanation (discrepancy_id, id);
`;
