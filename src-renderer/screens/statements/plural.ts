// "1 line" / "3 lines": a text with a count takes its ".one" form for exactly one (English needs
// it; Chinese has the same text in both keys).
import type { TextKey, Translate } from '../../i18n';

type Counted =
  | 'statements.count'
  | 'statements.lines'
  | 'statements.filesCount'
  | 'statements.warningsCount'
  | 'statements.import.commit'
  | 'statements.result.readyWithWarnings'
  | 'statements.daysWithStatement';

export function counted(t: Translate, key: Counted, n: number, shown: string | number = n): string {
  return t((n === 1 ? `${key}.one` : key) as TextKey, { n: shown });
}
