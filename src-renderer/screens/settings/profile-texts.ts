// Texts of the statement column profiles in Settings, spread into i18n.ts.

export const zh = {
  'profiles.title': '对账单列映射',
  'profiles.hint':
    '没有公开格式的对账单（拉卡拉等）按列映射读取：文件里的列名 → 字段。列名改了，在这里改映射即可，下一次导入起生效。多个列名用 | 分隔（任一出现即可）。',
  'profiles.profile': '映射',
  'profiles.inUse.shipped': '使用中：出厂默认 v{version}',
  'profiles.inUse.edited': '使用中：已修改 v{version}（出厂 v{shipped}）',
  'profiles.col.field': '字段',
  'profiles.col.headers': '文件中的列名',
  'profiles.required': '必需',
  'profiles.json': 'JSON（全部设置）',
  'profiles.jsonInvalid': 'JSON 格式有误：{error}',
  'profiles.reason': '原因',
  'profiles.reasonPlaceholder': '例如：拉卡拉新版对账单改了列名',
  'profiles.reset': '恢复默认',
  'profiles.problems': '映射未保存，请修改：',
  'profiles.unchanged': '与使用中的映射相同，未作更改',
};

export const en: Record<keyof typeof zh, string> = {
  'profiles.title': 'Statement column profiles',
  'profiles.hint':
    'Statements without a public format (Lakala and others) are read through a column profile: header name in the file → field. When a header changes, change the mapping here; it applies from the next import. Separate several names with | (any one will do).',
  'profiles.profile': 'Profile',
  'profiles.inUse.shipped': 'In use: shipped default v{version}',
  'profiles.inUse.edited': 'In use: edited v{version} (shipped v{shipped})',
  'profiles.col.field': 'Field',
  'profiles.col.headers': 'Header names in the file',
  'profiles.required': 'required',
  'profiles.json': 'JSON (every setting)',
  'profiles.jsonInvalid': 'The JSON is not valid: {error}',
  'profiles.reason': 'Reason',
  'profiles.reasonPlaceholder': 'e.g. Lakala renamed columns in the new statement',
  'profiles.reset': 'Reset to default',
  'profiles.problems': 'The profile was not saved; please correct:',
  'profiles.unchanged': 'Same as the profile in use; nothing changed',
};
