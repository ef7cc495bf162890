// Migration 2: channel statements. A statement file is kept once per content hash; a channel-day
// (and merchant/account) has at most one active file, newer versions wait for the user's
// confirmation before they replace it. Lines are signed integer fen (+ = money to us).
export const name = 'statements';
export const sql = /* sql */ `
CREATE TABLE statement_file (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  content_hash      TEXT NOT NULL UNIQUE,           -- sha256 of the file's bytes
  file_name         TEXT NOT NULL,
  channel           TEXT NOT NULL CHECK (channel IN ('wechat','alipay','lakala','unionpay','allinpay','cash','wire')),
  format            TEXT NOT NULL,
  variant           TEXT,
  business_date     TEXT NOT NULL,
  merchant_id       TEXT NOT NULL DEFAULT '',
  source            TEXT NOT NULL CHECK (source IN ('import','download')),
  status            TEXT NOT NULL CHECK (status IN ('active','pending','superseded')),
  version           INTEGER NOT NULL,               -- 1, 2… per channel-day-merchant
  line_count        INTEGER NOT NULL,
  payment_count     INTEGER NOT NULL,
  payment_fen       INTEGER NOT NULL,
  refund_count      INTEGER NOT NULL,
  refund_fen        INTEGER NOT NULL,               -- positive
  fee_fen           INTEGER NOT NULL,
  net_fen           INTEGER NOT NULL,               -- payments − refunds − fees
  tie_out_ok        INTEGER,                        -- NULL when the file prints no totals
  accepted_mismatch INTEGER NOT NULL DEFAULT 0,     -- the user chose to import a file that does not tie out
  detection_json    TEXT NOT NULL,
  summary_json      TEXT,
  warnings_json     TEXT NOT NULL,
  profile_version   TEXT,
  raw_columns_json  TEXT,                           -- the names of the values in statement_line.raw_json
  imported_at       TEXT NOT NULL,
  imported_by       TEXT NOT NULL,
  downloaded_at     TEXT
);
CREATE UNIQUE INDEX statement_file_one_active ON statement_file (channel, business_date, merchant_id) WHERE status = 'active';
CREATE INDEX statement_file_day ON statement_file (business_date, channel);

CREATE TABLE statement_line (
  id                INTEGER PRIMARY KEY,
  file_id           INTEGER NOT NULL REFERENCES statement_file (id),
  line_no           INTEGER NOT NULL,
  member            TEXT,
  channel           TEXT NOT NULL,
  business_date     TEXT NOT NULL,                  -- the line's own day (cross-day lines keep theirs)
  kind              TEXT NOT NULL CHECK (kind IN ('payment','refund','fee','settlement','reversal','adjustment')),
  amount_fen        INTEGER NOT NULL,
  fee_fen           INTEGER NOT NULL,
  occurred_at       TEXT NOT NULL,
  channel_txn_id    TEXT,
  merchant_order_no TEXT,
  refund_no         TEXT,
  original_txn_id   TEXT,
  terminal_id       TEXT,
  ref_no            TEXT,
  voucher_no        TEXT,
  batch_no          TEXT,
  card_masked       TEXT,
  payer_account     TEXT,
  payer_name        TEXT,
  remark            TEXT,
  status            TEXT,
  raw_json          TEXT NOT NULL                   -- the line's values as printed (names: the file's raw_columns_json)
);
CREATE INDEX statement_line_file ON statement_line (file_id, line_no);
CREATE INDEX statement_line_day ON statement_line (channel, business_date);
CREATE INDEX statement_line_txn ON statement_line (channel_txn_id) WHERE channel_txn_id IS NOT NULL;
CREATE INDEX statement_line_merchant_order ON statement_line (merchant_order_no) WHERE merchant_order_no IS NOT NULL;
CREATE INDEX statement_line_pos ON statement_line (terminal_id, ref_no) WHERE terminal_id IS NOT NULL;

-- Column profiles finance edits in settings (built-in defaults ship with the app).
CREATE TABLE column_profile (
  profile_id  TEXT NOT NULL,
  version     INTEGER NOT NULL,
  channel     TEXT NOT NULL,
  json        TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  created_by  TEXT NOT NULL,
  PRIMARY KEY (profile_id, version)
);
`;
