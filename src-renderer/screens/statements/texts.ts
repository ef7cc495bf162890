// Texts of the statements screens added after the first release, spread into i18n.ts.

export const zh = {
  'statements.import.refusedNoUser':
    '未导入：尚未选择当前用户。导入的每个决定都会以当前用户记入审计日志，请先在右上角选择用户，再重新拖入或选择文件。',
  'statements.import.retry': '重新预览',
};

export const en: Record<keyof typeof zh, string> = {
  'statements.import.refusedNoUser':
    'Not imported: no current user is chosen. Every import decision is recorded in the audit log under the current user; choose a user at the top right, then drop or choose the files again.',
  'statements.import.retry': 'Preview again',
};
