// ag-grid's own texts (filter menus, overlays) in Chinese; English keeps ag-grid's defaults with a
// few made calmer. Only the keys the grids we use can show.
import type { Language } from '../../src-main/api/contract';

const zh: Record<string, string> = {
  // filters
  applyFilter: '应用',
  clearFilter: '清除',
  resetFilter: '重置',
  cancelFilter: '取消',
  textFilter: '文本筛选',
  numberFilter: '数值筛选',
  dateFilter: '日期筛选',
  setFilter: '选项筛选',
  filterOoo: '筛选…',
  empty: '请选择',
  equals: '等于',
  notEqual: '不等于',
  lessThan: '小于',
  greaterThan: '大于',
  inRange: '介于',
  inRangeStart: '从',
  inRangeEnd: '到',
  lessThanOrEqual: '小于或等于',
  greaterThanOrEqual: '大于或等于',
  contains: '包含',
  notContains: '不包含',
  startsWith: '开头是',
  endsWith: '结尾是',
  blank: '为空',
  notBlank: '不为空',
  before: '早于',
  after: '晚于',
  andCondition: '且',
  orCondition: '或',
  dateFormatOoo: 'yyyy-mm-dd',
  filterSummaryInactive: '（全部）',
  filterSummaryContains: '包含',
  filterSummaryNotContains: '不包含',
  filterSummaryTextEquals: '等于',
  filterSummaryTextNotEqual: '不等于',
  filterSummaryStartsWith: '开头是',
  filterSummaryEndsWith: '结尾是',
  filterSummaryBlank: '为空',
  filterSummaryNotBlank: '不为空',
  filterSummaryInRange: '介于',
  invalidNumber: '无效数字',
  invalidDate: '无效日期',
  // overlays and loading
  loadingOoo: '加载中…',
  loadingError: '错误',
  noRowsToShow: '没有数据',
  noMatchingRows: '没有符合条件的数据',
  exportingOoo: '导出中…',
  // aria
  ariaFilterInput: '筛选输入',
  ariaDateFilterInput: '日期筛选输入',
  ariaFilterMenuOpen: '打开筛选菜单',
  ariaFilteringOperator: '筛选条件',
  ariaLabelColumnFilter: '列筛选',
  ariaLabelColumnMenu: '列菜单',
  ariaColumnFiltered: '已筛选',
  ariaSortableColumn: '按回车排序',
  ariaFilterColumn: '按 Ctrl+回车 打开筛选',
  ariaMenuColumn: '按 Alt+下箭头 打开列菜单',
  ariaSkeletonCellLoading: '数据加载中',
  ariaSkeletonCellLoadingFailed: '数据加载失败',
  ariaLabelInputClear: '清除',
  thousandSeparator: ',',
  decimalSeparator: '.',
};

const en: Record<string, string> = {
  noRowsToShow: 'No rows',
  noMatchingRows: 'No rows match the filters',
  loadingError: 'Error',
  setFilter: 'Choose values',
};

export function gridLocaleText(lang: Language): Record<string, string> {
  return lang === 'zh' ? zh : en;
}
