// The columns of our cash register template (design/statement-formats.md §6), as both its producers
// write them: scripts/make-cash-template.ts (the blank template cashiers fill in) and the sandbox's
// cash export. The parser reads them through profiles/cash-register-v1.json; tests parse both
// producers' files, so these headers and the profile cannot drift apart.

/** 收款明细: one row per cash receipt. */
export const CASH_DETAIL_HEADERS = [
  '业务日期',
  '交付中心编码',
  '收款时间',
  '订单号',
  '款项',
  '金额',
  '收银员工号',
  '收款单号',
  '缴款单号',
  '备注',
] as const;

/** 缴款单: one row per bank deposit slip. */
export const CASH_SLIP_HEADERS = ['缴款单号', '缴款日期', '交付中心编码', '存入账号后四位', '金额', '笔数'] as const;
