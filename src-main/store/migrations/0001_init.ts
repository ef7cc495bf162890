// Migration 1: central platform data (orders, sub-orders, billings, payments, refunds), sync cursors,
// local users, settings and the append-only audit log. Money columns are INTEGER fen; timestamps are
// ISO 8601 with offset; business_date is derived in Asia/Shanghai when the row is written.
export const name = 'init';
export const sql = /* sql */ `
CREATE TABLE vehicle_order (
  order_no        TEXT PRIMARY KEY,
  customer_name   TEXT NOT NULL,
  model           TEXT NOT NULL,
  price_fen       INTEGER NOT NULL CHECK (price_fen >= 0),
  discount_fen    INTEGER NOT NULL DEFAULT 0 CHECK (discount_fen >= 0),
  status          TEXT NOT NULL CHECK (status IN ('created','locked','delivered','cancelled')),
  delivery_center TEXT,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  version         INTEGER NOT NULL,
  -- Denormalised from billings/payments/refunds in the same transaction as each sync page, so the
  -- orders grid sorts and filters on indexed columns even with a million payments.
  due_fen         INTEGER NOT NULL DEFAULT 0,
  paid_fen        INTEGER NOT NULL DEFAULT 0,
  refunded_fen    INTEGER NOT NULL DEFAULT 0,
  payment_count   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX vehicle_order_created ON vehicle_order (created_at);
CREATE INDEX vehicle_order_status ON vehicle_order (status, created_at);

CREATE TABLE sub_order (
  sub_order_no TEXT PRIMARY KEY,
  order_no     TEXT NOT NULL,
  kind         TEXT NOT NULL CHECK (kind IN ('charging_pile','funds','car_loan','production')),
  status       TEXT NOT NULL,
  detail       TEXT,           -- loan bank, production plant… as the platform sends it
  updated_at   TEXT NOT NULL,
  version      INTEGER NOT NULL
);
CREATE INDEX sub_order_order ON sub_order (order_no);

CREATE TABLE billing (
  billing_no     TEXT PRIMARY KEY,
  funds_order_no TEXT NOT NULL,
  order_no       TEXT NOT NULL,
  kind           TEXT NOT NULL CHECK (kind IN ('small_deposit','large_deposit','final_payment','accessories','window_film','repair','leasing')),
  amount_due_fen INTEGER NOT NULL CHECK (amount_due_fen >= 0),
  status         TEXT NOT NULL CHECK (status IN ('open','paid','cancelled','refunded')),
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL,
  version        INTEGER NOT NULL
);
CREATE INDEX billing_order ON billing (order_no);

CREATE TABLE payment (
  payment_no        TEXT PRIMARY KEY,
  billing_no        TEXT NOT NULL,
  order_no          TEXT NOT NULL,
  channel           TEXT NOT NULL CHECK (channel IN ('wechat','alipay','lakala','unionpay','allinpay','cash','wire')),
  method            TEXT NOT NULL CHECK (method IN ('app','web_qr','pos_card','pos_scan','cash','wire','loan_disbursement')),
  merchant_order_no TEXT,
  channel_txn_id    TEXT,
  terminal_id       TEXT,
  ref_no            TEXT,     -- 参考号
  voucher_no        TEXT,     -- 凭证号
  payer_account     TEXT,
  payer_name        TEXT,
  amount_fen        INTEGER NOT NULL CHECK (amount_fen > 0),
  paid_at           TEXT NOT NULL,
  business_date     TEXT NOT NULL,
  status            TEXT NOT NULL CHECK (status IN ('success','closed','reversed')),
  updated_at        TEXT NOT NULL,
  version           INTEGER NOT NULL
);
CREATE INDEX payment_order ON payment (order_no);
CREATE INDEX payment_paid_at ON payment (paid_at);
CREATE INDEX payment_day_channel ON payment (business_date, channel);
CREATE INDEX payment_amount ON payment (amount_fen);
CREATE INDEX payment_channel_paid_at ON payment (channel, paid_at);
CREATE INDEX payment_txn ON payment (channel_txn_id) WHERE channel_txn_id IS NOT NULL;
CREATE INDEX payment_merchant_order ON payment (merchant_order_no) WHERE merchant_order_no IS NOT NULL;

CREATE TABLE refund (
  refund_no          TEXT PRIMARY KEY,
  payment_no         TEXT NOT NULL,
  billing_no         TEXT NOT NULL,
  order_no           TEXT NOT NULL,
  channel            TEXT NOT NULL CHECK (channel IN ('wechat','alipay','lakala','unionpay','allinpay','cash','wire')),
  channel_refund_id  TEXT,
  merchant_refund_no TEXT,
  amount_fen         INTEGER NOT NULL CHECK (amount_fen > 0),
  refunded_at        TEXT NOT NULL,
  business_date      TEXT NOT NULL,
  status             TEXT NOT NULL CHECK (status IN ('success','processing','failed')),
  reason             TEXT,
  updated_at         TEXT NOT NULL,
  version            INTEGER NOT NULL
);
CREATE INDEX refund_order ON refund (order_no);
CREATE INDEX refund_day_channel ON refund (business_date, channel);

CREATE TABLE sync_cursor (
  entity     TEXT PRIMARY KEY,
  cursor     TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE sync_run (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  started_at  TEXT NOT NULL,
  finished_at TEXT,
  outcome     TEXT NOT NULL CHECK (outcome IN ('running','ok','failed','cancelled')),
  records     INTEGER NOT NULL DEFAULT 0,
  message     TEXT
);

CREATE TABLE app_user (
  user_id      TEXT PRIMARY KEY,
  display_name TEXT NOT NULL,
  created_at   TEXT NOT NULL
);

CREATE TABLE setting (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE audit_log (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  at          TEXT NOT NULL,
  user_id     TEXT NOT NULL,
  action      TEXT NOT NULL,
  entity      TEXT NOT NULL,
  entity_id   TEXT NOT NULL,
  before_json TEXT,
  after_json  TEXT,
  reason      TEXT
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
`;
