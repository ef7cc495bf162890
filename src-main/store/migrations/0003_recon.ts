// Migration 3: reconciliation (design/reconciliation.md). A run reconciles one channel and business
// day; it replaces its own automatic results (matches, discrepancies) and never touches what people
// decided. Decisions are keyed by the natural keys of their members, so they survive re-runs and
// re-imports; when a member vanishes the decision is flagged stale, not dropped.
//
// Natural keys of items (members), see recon/keys.ts:
//   P|<payment_no>                                   an internal payment
//   R|<refund_no>                                    an internal refund
//   L|<channel>|<statement day>|<kind>|<id>[#n]       a statement line by its channel id (n-th repeat)
//   L|<channel>|<statement day>|<kind>|@<hash16>:<n>  a statement line without an id (file hash, line no)
//   S|<channel>|<statement day>                      the net a channel owes for a statement day
//   O|<order_no>                                     a delivered order (completeness check)
// Match ids hash the sorted member keys; discrepancy ids hash a class tag and the sorted member keys
// (recon/ids.ts), so a TIMING item that expires into a short keeps its id and its decisions.
//
// Automatic one-to-one matches, nearly all of a day, are kept compactly in recon_pair (one row per
// statement line, ~40 bytes: a million-line day persists in well under a second); their id is the same
// hash of their two member keys, computed when read. Every other match (grouped, suggested, confirmed
// by a person, broken) is a recon_match row with its members in recon_member.
export const name = 'recon';
export const sql = /* sql */ `
CREATE TABLE recon_run (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  channel       TEXT NOT NULL,
  business_date TEXT NOT NULL,
  rule_version  INTEGER NOT NULL,
  actor         TEXT NOT NULL,
  started_at    TEXT NOT NULL,
  finished_at   TEXT NOT NULL,
  inputs_json   TEXT NOT NULL,     -- active statement files (content hash), rules, internal snapshot
  stats_json    TEXT NOT NULL      -- per pass counts and timings
);
CREATE INDEX recon_run_day ON recon_run (channel, business_date, id);

-- The figures of one channel-day as its last run (or sign-off check) proved them, and the sign-off.
CREATE TABLE recon_day (
  channel                 TEXT NOT NULL,
  business_date           TEXT NOT NULL,
  run_id                  INTEGER NOT NULL,
  ran_at                  TEXT NOT NULL,
  internal_count          INTEGER NOT NULL,
  internal_fen            INTEGER NOT NULL,
  statement_count         INTEGER NOT NULL,
  statement_fen           INTEGER NOT NULL,
  matched_internal_count  INTEGER NOT NULL,
  matched_internal_fen    INTEGER NOT NULL,
  matched_statement_count INTEGER NOT NULL,
  matched_statement_fen   INTEGER NOT NULL,
  auto_statement_count    INTEGER NOT NULL,  -- lines matched by an automatic pass (match rate)
  auto_statement_fen      INTEGER NOT NULL,
  open_internal_count     INTEGER NOT NULL,
  open_internal_fen       INTEGER NOT NULL,
  open_statement_count    INTEGER NOT NULL,
  open_statement_fen      INTEGER NOT NULL,
  unaccounted_internal    INTEGER NOT NULL,  -- items in no bucket or in two (the proof fails)
  unaccounted_statement   INTEGER NOT NULL,
  proof_ok                INTEGER NOT NULL,
  status                  TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','reconciled')),
  signed_off_by           TEXT,
  signed_off_at           TEXT,
  PRIMARY KEY (channel, business_date)
) WITHOUT ROWID;

CREATE TABLE recon_pair (
  line_id     INTEGER PRIMARY KEY,   -- statement_line.id (its file is the owning statement day)
  item_key    TEXT NOT NULL,         -- P|payment_no or R|refund_no
  pass        TEXT NOT NULL,
  channel     TEXT NOT NULL,
  match_date  TEXT NOT NULL,         -- the statement day whose run made it
  item_date   TEXT NOT NULL,         -- the item's own business day
  amount_fen  INTEGER NOT NULL,      -- equal on both sides by construction
  fee_fen     INTEGER NOT NULL,      -- the fee printed on the line
  fee_ok      INTEGER NOT NULL,      -- within the fee tolerance (§4)
  run_id      INTEGER NOT NULL
);
CREATE UNIQUE INDEX recon_pair_item ON recon_pair (item_key);
CREATE INDEX recon_pair_fee ON recon_pair (channel, match_date) WHERE fee_ok = 0;
CREATE INDEX recon_pair_crossday ON recon_pair (channel, item_date) WHERE item_date <> match_date;

CREATE TABLE recon_match (
  id              TEXT NOT NULL PRIMARY KEY,   -- hash of the sorted member keys
  channel         TEXT NOT NULL,
  business_date   TEXT NOT NULL,               -- the statement day whose run (or decision) owns it
  pass            TEXT NOT NULL,
  rule_version    INTEGER NOT NULL,
  shape           TEXT NOT NULL CHECK (shape IN ('1:1','1:N','N:1','N:M','0:N','N:0')),
  state           TEXT NOT NULL CHECK (state IN ('auto','suggested','confirmed','broken')),
  stale           INTEGER NOT NULL DEFAULT 0,  -- a member of a confirmed match vanished
  internal_count  INTEGER NOT NULL,
  internal_fen    INTEGER NOT NULL,
  statement_count INTEGER NOT NULL,
  statement_fen   INTEGER NOT NULL,
  fee_fen         INTEGER NOT NULL DEFAULT 0,  -- fees printed on its statement lines
  score           INTEGER,
  run_id          INTEGER,
  decision_id     INTEGER,
  adjustment_id   INTEGER                      -- a manual match that does not net to zero
) WITHOUT ROWID;
CREATE INDEX recon_match_day ON recon_match (channel, business_date, state);
CREATE INDEX recon_match_manual ON recon_match (state, channel, business_date) WHERE state <> 'auto';

CREATE TABLE recon_member (
  match_id   TEXT NOT NULL,
  item_key   TEXT NOT NULL,
  side       TEXT NOT NULL CHECK (side IN ('internal','statement')),
  item_date  TEXT NOT NULL,   -- the item's own business day (statement lines: the statement day)
  amount_fen INTEGER NOT NULL,
  line_id    INTEGER,         -- statement_line.id when the member is a line
  PRIMARY KEY (match_id, item_key)
) WITHOUT ROWID;
CREATE INDEX recon_member_item ON recon_member (item_key);
CREATE INDEX recon_member_line ON recon_member (line_id) WHERE line_id IS NOT NULL;

CREATE TABLE recon_discrepancy (
  id              TEXT NOT NULL PRIMARY KEY,   -- hash of class + sorted member keys
  type            TEXT NOT NULL CHECK (type IN ('long','short','amount_differs','duplicate','status_differs',
                    'fee_differs','wire_without_order','timing','settlement_differs','order_incomplete')),
  channel         TEXT,                        -- NULL for order_incomplete
  business_date   TEXT NOT NULL,               -- the day the items belong to (ageing counts from it)
  run_channel     TEXT NOT NULL,               -- the run that owns it ('order' for completeness)
  run_date        TEXT NOT NULL,
  amount_fen      INTEGER NOT NULL,            -- signed: + the money side has more than the books
  internal_fen    INTEGER NOT NULL,
  statement_fen   INTEGER NOT NULL,
  internal_count  INTEGER NOT NULL,
  statement_count INTEGER NOT NULL,
  members_json    TEXT NOT NULL,               -- sorted member keys
  keys_json       TEXT NOT NULL,               -- natural ids for people: paymentNo, channelTxnId, refNo…
  payment_no      TEXT,                        -- flattened keys for the grid's filters
  order_no        TEXT,
  channel_txn_id  TEXT,
  merchant_order_no TEXT,
  terminal_id     TEXT,
  ref_no          TEXT,
  detail          TEXT NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('open','resolved','carried')),
  carry_until     TEXT,
  resolution      TEXT,                        -- matched | manual_match | adjustment | writeoff | reclassified
  resolved_ref    TEXT,
  resolved_run    TEXT,                        -- 'channel|date' of the run that resolved it automatically
  expired_run     TEXT,                        -- 'channel|date' of the run that turned TIMING into short
  suggested_match TEXT,
  adjustment_id   INTEGER,                     -- a pending or approved adjustment / write-off
  task_id         INTEGER,                     -- a refund request
  run_id          INTEGER NOT NULL
);                                             -- a rowid table: the grid pages walk its indexes by rowid
CREATE INDEX recon_disc_owner ON recon_discrepancy (run_channel, run_date);
CREATE INDEX recon_disc_day ON recon_discrepancy (channel, business_date, state, type);
CREATE INDEX recon_disc_state ON recon_discrepancy (state, type, business_date);
CREATE INDEX recon_disc_resolved_run ON recon_discrepancy (resolved_run) WHERE resolved_run IS NOT NULL;
CREATE INDEX recon_disc_expired_run ON recon_discrepancy (expired_run) WHERE expired_run IS NOT NULL;

CREATE TABLE recon_disc_member (
  disc_id    TEXT NOT NULL,
  item_key   TEXT NOT NULL,
  side       TEXT NOT NULL CHECK (side IN ('internal','statement','other')),
  channel    TEXT,
  item_date  TEXT NOT NULL,
  amount_fen INTEGER NOT NULL,
  line_id    INTEGER,
  PRIMARY KEY (disc_id, item_key)
) WITHOUT ROWID;
CREATE INDEX recon_disc_member_item ON recon_disc_member (item_key);
CREATE INDEX recon_disc_member_day ON recon_disc_member (channel, item_date, side);
CREATE INDEX recon_disc_member_line ON recon_disc_member (line_id) WHERE line_id IS NOT NULL;

-- Every human act on reconciliation results, keyed by the members' natural keys.
CREATE TABLE recon_decision (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  kind          TEXT NOT NULL CHECK (kind IN ('match','unmatch','carry','adjust_propose','adjust_approve',
                  'adjust_reject','writeoff_propose','writeoff_approve','writeoff_reject','refund_request',
                  'signoff','reopen')),
  channel       TEXT,
  business_date TEXT,
  members_json  TEXT NOT NULL,
  members_key   TEXT NOT NULL,    -- the sorted member keys joined by a line feed
  target_id     TEXT,             -- match id, discrepancy id or adjustment id
  payload_json  TEXT NOT NULL,
  reason_code   TEXT,
  comment       TEXT,
  actor         TEXT NOT NULL,
  at            TEXT NOT NULL,
  stale         INTEGER NOT NULL DEFAULT 0,
  active        INTEGER NOT NULL DEFAULT 1   -- 0 once superseded (a newer carry, an unmatch of a match)
);
CREATE INDEX recon_decision_members ON recon_decision (members_key);
CREATE INDEX recon_decision_target ON recon_decision (target_id);
CREATE INDEX recon_decision_day ON recon_decision (channel, business_date);

-- Adjustments (调差) and write-offs: a maker proposes, a different local user approves or rejects.
CREATE TABLE recon_adjustment (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  kind             TEXT NOT NULL CHECK (kind IN ('adjustment','writeoff')),
  target_kind      TEXT NOT NULL CHECK (target_kind IN ('discrepancy','match')),
  target_id        TEXT NOT NULL,     -- a discrepancy, or a manual match that does not net to zero
  members_json     TEXT NOT NULL,
  members_key      TEXT NOT NULL,
  channel          TEXT,
  business_date    TEXT NOT NULL,
  amount_fen       INTEGER NOT NULL,
  reason_code      TEXT NOT NULL,
  comment          TEXT NOT NULL,
  state            TEXT NOT NULL CHECK (state IN ('proposed','approved','rejected')),
  maker            TEXT NOT NULL,
  made_at          TEXT NOT NULL,
  approver         TEXT,
  decided_at       TEXT,
  decision_comment TEXT,
  stale            INTEGER NOT NULL DEFAULT 0,
  CHECK (approver IS NULL OR approver <> maker)
);
CREATE INDEX recon_adjustment_target ON recon_adjustment (target_id);
CREATE INDEX recon_adjustment_state ON recon_adjustment (state, business_date);

-- Outbound tasks: refund requests and platform corrections; the item stays open and linked.
CREATE TABLE recon_task (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  kind           TEXT NOT NULL CHECK (kind IN ('refund_request','platform_correction')),
  discrepancy_id TEXT NOT NULL,
  members_json   TEXT NOT NULL,
  channel        TEXT,
  business_date  TEXT NOT NULL,
  amount_fen     INTEGER NOT NULL,
  reason_code    TEXT NOT NULL,
  comment        TEXT NOT NULL,
  state          TEXT NOT NULL CHECK (state IN ('open','done','cancelled')),
  requested_by   TEXT NOT NULL,
  requested_at   TEXT NOT NULL,
  closed_at      TEXT
);
CREATE INDEX recon_task_disc ON recon_task (discrepancy_id);
`;
