# Baseline of the reconciliation benchmark: the same channel-day in pandas, as a data analyst would
# reconcile it by hand. Reading the CSVs is timed apart; the figure compared with the engine is the
# merges and the classification only (nothing is written back anywhere).
#   python3 recon_pandas.py <items.csv> <lines.csv>   → one JSON line on stdout
import json
import sys
import time

import pandas as pd

items_csv, lines_csv = sys.argv[1:3]
t = time.perf_counter()
items = pd.read_csv(items_csv, dtype={"k": str, "kind": str, "channel_txn_id": str, "merchant_order_no": str, "hm": str})
lines = pd.read_csv(
    lines_csv,
    dtype={"kind": str, "channel_txn_id": str, "merchant_order_no": str, "refund_no": str, "original_txn_id": str},
)
read_s = time.perf_counter() - t

t = time.perf_counter()
c = time.process_time()
# The same id twice on the statement: the later copies are duplicates.
dup = lines.duplicated(["channel_txn_id", "kind"], keep="first")
stmt = lines[~dup]
# Pass 1: channel transaction id (items without one cannot join: NaN keys would match each other).
by_txn = items[items["channel_txn_id"].notna()].merge(stmt, on=["channel_txn_id", "kind"], suffixes=("_i", "_l"))
same = by_txn["amount_fen_i"] == by_txn["amount_fen_l"]
pairs = by_txn[same]
amount_differs = by_txn[~same]
# Fee check on the pairs: 0.6% rounded half up, 1 fen tolerance (a refund's fee comes back negative).
gross = pairs["amount_fen_i"].abs()
expected = (gross * 6000 + 500_000) // 1_000_000
fee = pairs["fee_fen"]
fee_ok = ((pairs["amount_fen_i"] >= 0) & ((fee - expected).abs() <= 1)) | (
    (pairs["amount_fen_i"] < 0) & (((fee + expected).abs() <= 1) | (fee.abs() <= 1))
)
fee_differs = int((~fee_ok).sum())
left = items[~items["k"].isin(by_txn["k"])]
right = stmt[~stmt["id"].isin(by_txn["id"])]
# Pass 2: merchant order no. and amount (a payment whose callback was lost).
by_order = left.merge(right, on=["merchant_order_no", "kind", "amount_fen"], suffixes=("_i", "_l"))
left = left[~left["k"].isin(by_order["k"])]
right = right[~right["id"].isin(by_order["id"])]
# A refund on the statement for a payment the books know, but no refund in the books.
known = set(items.loc[items["kind"] == "payment", "channel_txn_id"].dropna())
status = (right["kind"] == "refund") & right["original_txn_id"].isin(known)
long_ = right[~status]
timing = left["hm"] >= "23:50:00"
elapsed = time.perf_counter() - t
cpu = time.process_time() - c

print(
    json.dumps(
        {
            "readMs": read_s * 1000,
            "ms": elapsed * 1000,
            "cpuMs": cpu * 1000,
            "pairs": int(len(pairs) + len(by_order)),
            "amount_differs": int(len(amount_differs)),
            "fee_differs": fee_differs,
            "duplicate": int(dup.sum()),
            "status_differs": int(status.sum()),
            "long": int(len(long_)),
            "timing": int(timing.sum()),
            "short": int((~timing).sum()),
        }
    )
)
