// Shared ag-grid setup: the community modules we use (registered once), and the theme. Only
// community modules: the Set Filter is Enterprise, so grid/SetFilter.tsx is our own small one.
import {
  CellStyleModule,
  ColumnApiModule,
  CustomFilterModule,
  DateFilterModule,
  GridStateModule,
  InfiniteRowModelModule,
  LocaleModule,
  ModuleRegistry,
  NumberFilterModule,
  RowApiModule,
  RowSelectionModule,
  RowStyleModule,
  TextFilterModule,
  TooltipModule,
  ValidationModule,
  themeQuartz,
  type Module,
} from 'ag-grid-community';

let registered = false;

export function registerGridModules(): void {
  if (registered) return;
  registered = true;
  const modules: Module[] = [
    InfiniteRowModelModule,
    TextFilterModule,
    NumberFilterModule,
    DateFilterModule,
    CustomFilterModule,
    LocaleModule,
    CellStyleModule,
    RowStyleModule,
    RowSelectionModule,
    RowApiModule,
    TooltipModule,
    GridStateModule,
    ColumnApiModule,
  ];
  // In development the grid explains misconfiguration (missing modules, wrong options) in the console.
  if (import.meta.env.DEV) modules.push(ValidationModule);
  ModuleRegistry.registerModules(modules);
}

/** A calm, dense theme: small type, tabular figures, hairline borders, one muted accent. */
export const gridTheme = themeQuartz.withParams({
  fontFamily: 'inherit',
  fontSize: 13,
  headerFontSize: 12.5,
  headerFontWeight: 600,
  spacing: 5,
  rowHeight: 30,
  headerHeight: 34,
  accentColor: '#2f5d8a',
  foregroundColor: '#1f2933',
  headerTextColor: '#3b4652',
  headerBackgroundColor: '#f3f5f7',
  borderColor: '#dde2e7',
  rowBorder: { color: '#eceff2' },
  oddRowBackgroundColor: '#fbfcfd',
  selectedRowBackgroundColor: '#e8eff7',
  rowHoverColor: '#f1f5f9',
  wrapperBorderRadius: 3,
  borderRadius: 3,
  browserColorScheme: 'light',
  cellHorizontalPadding: 10,
});
