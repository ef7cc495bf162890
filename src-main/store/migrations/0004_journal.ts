// Migration 4: journals and the SAP export register (design/journal-sap.md). Posting rules are
// versioned (a change is a new row, the old one gets valid_to); journal documents keep the rule key
// and version of every line. A document is versioned per (day, channel, event): once exported it is
// never changed, a correction is a reversal document plus version V+1. journal_trace ties every line
// to the payments, refunds, statement lines, adjustments and decisions behind it.
import { DEFAULT_ACCOUNTS, defaultRules } from '../../journal/rules';

const q = (s: string) => `'${s.replace(/'/g, "''")}'`;

const seedAccounts = DEFAULT_ACCOUNTS.map(
  (a) => `INSERT INTO gl_account (account, name, open, created_by, created_at) VALUES (${q(a.account)}, ${q(a.name)}, 1, 'system', '2026-01-01T00:00:00Z');`,
).join('\n');

const seedRules = defaultRules()
  .map(
    (r) =>
      `INSERT INTO posting_rule (rule_key, version, event, channel, billing, dr_account, cr_account, cost_center, profit_center, doc_type, header_text, item_text, assignment, granularity, valid_from, created_by, created_at, reason)
       VALUES (${[
         `${r.event}|${r.channel}|${r.billing}`, '1', r.event, r.channel, r.billing, r.drAccount, r.crAccount, r.costCenter,
         r.profitCenter, r.docType, r.headerText, r.itemText, r.assignment, r.granularity, '2026-01-01T00:00:00Z', 'system',
         '2026-01-01T00:00:00Z', 'default rule',
       ]
         .map((v, i) => (i === 1 ? v : q(v)))
         .join(', ')});`,
  )
  .join('\n');

export const name = 'journal';
export const sql = /* sql */ `
CREATE TABLE gl_account (
  account    TEXT NOT NULL PRIMARY KEY,    -- HKONT, at most 10 characters
  name       TEXT NOT NULL,
  open       INTEGER NOT NULL DEFAULT 1,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  CHECK (length(account) BETWEEN 1 AND 10)
) WITHOUT ROWID;

CREATE TABLE posting_rule (
  rule_key      TEXT NOT NULL,              -- event|channel|billing ('*' for any)
  version       INTEGER NOT NULL,
  event         TEXT NOT NULL,
  channel       TEXT NOT NULL,
  billing       TEXT NOT NULL,
  dr_account    TEXT NOT NULL REFERENCES gl_account (account),
  cr_account    TEXT NOT NULL REFERENCES gl_account (account),
  cost_center   TEXT NOT NULL DEFAULT '',
  profit_center TEXT NOT NULL DEFAULT '',
  doc_type      TEXT NOT NULL,
  header_text   TEXT NOT NULL CHECK (header_text <> ''),
  item_text     TEXT NOT NULL CHECK (item_text <> ''),
  assignment    TEXT NOT NULL CHECK (assignment <> ''),
  granularity   TEXT NOT NULL CHECK (granularity IN ('day','line')),
  valid_from    TEXT NOT NULL,
  valid_to      TEXT,                       -- set when a newer version replaces this one
  created_by    TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  reason        TEXT,
  PRIMARY KEY (rule_key, version)
) WITHOUT ROWID;
CREATE UNIQUE INDEX posting_rule_current ON posting_rule (rule_key) WHERE valid_to IS NULL;

CREATE TABLE journal_doc (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  xblnr          TEXT NOT NULL UNIQUE,      -- CC YYMMDD EE NN V, deterministic
  company_code   TEXT NOT NULL,
  business_date  TEXT NOT NULL,
  channel        TEXT NOT NULL,
  event          TEXT NOT NULL,
  part           INTEGER NOT NULL,          -- NN: split above 999 lines
  version        INTEGER NOT NULL,          -- 0–9
  kind           TEXT NOT NULL CHECK (kind IN ('entry','reversal')),
  reverses_id    INTEGER REFERENCES journal_doc (id),
  doc_type       TEXT NOT NULL,
  header_text    TEXT NOT NULL,
  status         TEXT NOT NULL CHECK (status IN ('draft','exported','reversed')),
  content_hash   TEXT NOT NULL,             -- of the lines; regenerating an unchanged day keeps the document
  line_count     INTEGER NOT NULL,
  debit_fen      INTEGER NOT NULL,
  credit_fen     INTEGER NOT NULL,
  created_by     TEXT NOT NULL,
  created_at     TEXT NOT NULL,
  CHECK (debit_fen = credit_fen)
);
CREATE INDEX journal_doc_day ON journal_doc (business_date, channel, event, version);
CREATE INDEX journal_doc_status ON journal_doc (status, business_date);

CREATE TABLE journal_line (
  doc_id        INTEGER NOT NULL REFERENCES journal_doc (id),
  line_no       INTEGER NOT NULL,
  account       TEXT NOT NULL,
  debit_fen     INTEGER NOT NULL CHECK (debit_fen >= 0),
  credit_fen    INTEGER NOT NULL CHECK (credit_fen >= 0),
  item_text     TEXT NOT NULL,
  assignment    TEXT NOT NULL,
  cost_center   TEXT NOT NULL,
  profit_center TEXT NOT NULL,
  rule_key      TEXT NOT NULL,
  rule_version  INTEGER NOT NULL,
  source_count  INTEGER NOT NULL,
  PRIMARY KEY (doc_id, line_no),
  CHECK ((debit_fen > 0) <> (credit_fen > 0))
) WITHOUT ROWID;

-- What each line was made from: P|payment_no, R|refund_no, L|<statement_line.id>, A|<adjustment id>,
-- D|<recon_decision id>. A day summary line lists every source; its debit line and credit line share them.
CREATE TABLE journal_trace (
  doc_id     INTEGER NOT NULL,
  line_no    INTEGER NOT NULL,
  source     TEXT NOT NULL,
  amount_fen INTEGER NOT NULL,
  PRIMARY KEY (doc_id, line_no, source)
) WITHOUT ROWID;
CREATE INDEX journal_trace_source ON journal_trace (source);

CREATE TABLE journal_export_batch (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  file_name     TEXT NOT NULL,
  format        TEXT NOT NULL CHECK (format IN ('f2548-xlsx','f2548-csv','posting-key-csv')),
  scope         TEXT NOT NULL,              -- YYYY-MM-DD or YYYY-MM
  date_from     TEXT NOT NULL,
  date_to       TEXT NOT NULL,
  documents     INTEGER NOT NULL,
  lines         INTEGER NOT NULL,
  debit_fen     INTEGER NOT NULL,
  credit_fen    INTEGER NOT NULL,
  sha256        TEXT NOT NULL,              -- of the bytes written: a re-export must reproduce them
  created_by    TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  sap_batch_id  TEXT,
  status        TEXT NOT NULL DEFAULT 'written' CHECK (status IN ('written','uploaded','posted','partly_failed'))
);

CREATE TABLE journal_export_doc (
  doc_id    INTEGER NOT NULL PRIMARY KEY REFERENCES journal_doc (id),  -- a document is exported once
  batch_id  INTEGER NOT NULL REFERENCES journal_export_batch (id),
  xblnr     TEXT NOT NULL,
  sap_belnr TEXT
);
CREATE INDEX journal_export_doc_batch ON journal_export_doc (batch_id);

${seedAccounts}
${seedRules}
`;
