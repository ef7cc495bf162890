// Names of coded values in both languages. The renderer receives them through app.info (it may not
// import src-main), and exports use them, so a channel is called the same everywhere.
import { CHANNELS } from './channels';

export type Language = 'zh' | 'en';

const zh = {
  channel: Object.fromEntries(CHANNELS.map((c) => [c.code, c.zh])),
  billingKind: {
    small_deposit: '小定',
    large_deposit: '大定',
    final_payment: '尾款',
    accessories: '精品附件',
    window_film: '贴膜',
    repair: '维修',
    leasing: '融资租赁',
  },
  method: {
    app: 'App支付',
    web_qr: '网页扫码',
    pos_card: 'POS刷卡',
    pos_scan: 'POS扫码',
    cash: '现金',
    wire: '电汇',
    loan_disbursement: '贷款放款',
  },
  orderStatus: { created: '已下单', locked: '已锁单', delivered: '已交付', cancelled: '已取消' },
  paymentStatus: { success: '成功', closed: '已关闭', reversed: '已冲正' },
  refundStatus: { success: '成功', processing: '处理中', failed: '失败' },
  billingStatus: { open: '待支付', paid: '已支付', cancelled: '已取消', refunded: '已退款' },
  subOrderKind: { charging_pile: '充电桩报装单', funds: '资金单', car_loan: '车贷金融单', production: '车辆生产单' },
  lineKind: { payment: '收款', refund: '退款', fee: '手续费', settlement: '结算', reversal: '冲正/撤销', adjustment: '调整' },
  statementState: { missing: '缺失', downloaded: '已下载', imported: '已导入', superseded: '已被替换', pending: '待确认新版本' },
  /** Statuses the platform reports for sub-orders; an unknown one is shown as it comes. */
  subOrderStatus: {
    pending: '待处理',
    open: '进行中',
    settled: '已结清',
    closed: '已关闭',
    cancelled: '已取消',
    declined: '不需要',
    none: '无',
    intent: '有意向',
    applied: '已申请',
    approved: '已审批',
    disbursed: '已放款',
    withdrawn: '已撤回',
    scheduled: '已排产',
    in_production: '生产中',
    completed: '已完工',
    delivered: '已交付',
    surveyed: '已勘测',
    installed: '已安装',
  } as Record<string, string>,
};

const en: typeof zh = {
  channel: Object.fromEntries(CHANNELS.map((c) => [c.code, c.en])),
  billingKind: {
    small_deposit: 'Small deposit',
    large_deposit: 'Large deposit',
    final_payment: 'Final payment',
    accessories: 'Accessories',
    window_film: 'Window film',
    repair: 'Repair',
    leasing: 'Leasing',
  },
  method: {
    app: 'App',
    web_qr: 'Web QR',
    pos_card: 'POS card',
    pos_scan: 'POS scan',
    cash: 'Cash',
    wire: 'Wire',
    loan_disbursement: 'Loan disbursement',
  },
  orderStatus: { created: 'Created', locked: 'Locked', delivered: 'Delivered', cancelled: 'Cancelled' },
  paymentStatus: { success: 'Success', closed: 'Closed', reversed: 'Reversed' },
  refundStatus: { success: 'Success', processing: 'Processing', failed: 'Failed' },
  billingStatus: { open: 'Open', paid: 'Paid', cancelled: 'Cancelled', refunded: 'Refunded' },
  subOrderKind: { charging_pile: 'Charging pile', funds: 'Funds order', car_loan: 'Car loan', production: 'Production' },
  lineKind: { payment: 'Payment', refund: 'Refund', fee: 'Fee', settlement: 'Settlement', reversal: 'Reversal', adjustment: 'Adjustment' },
  statementState: { missing: 'Missing', downloaded: 'Downloaded', imported: 'Imported', superseded: 'Superseded', pending: 'New version pending' },
  subOrderStatus: {
    pending: 'Pending',
    open: 'Open',
    settled: 'Settled',
    closed: 'Closed',
    cancelled: 'Cancelled',
    declined: 'Declined',
    none: 'None',
    intent: 'Intent',
    applied: 'Applied',
    approved: 'Approved',
    disbursed: 'Disbursed',
    withdrawn: 'Withdrawn',
    scheduled: 'Scheduled',
    in_production: 'In production',
    completed: 'Completed',
    delivered: 'Delivered',
    surveyed: 'Surveyed',
    installed: 'Installed',
  },
};

export const LABELS = { zh, en };
export type Labels = typeof zh;
