// A small set filter for coded columns (channel, status, billing kind, method): ag-grid's Set Filter
// is Enterprise-only. Its model is `{ filterType: 'set', values: [...] }`, which the server turns
// into `IN (...)`. Every value ticked (the default) means no filter; the options keep the order they
// are given in (channels in the fixed channel order).
import { useCallback, useMemo } from 'react';
import { useGridFilter, type CustomFilterProps } from 'ag-grid-react';

export interface SetFilterModel {
  filterType: 'set';
  values: string[];
}

export interface SetFilterOption {
  value: string;
  label: string;
}

export interface SetFilterParams {
  options: SetFilterOption[];
  selectAllLabel: string;
  clearLabel: string;
}

export function SetFilter(props: CustomFilterProps<unknown, unknown, SetFilterModel> & SetFilterParams) {
  const { model, onModelChange, options, selectAllLabel, clearLabel } = props;
  const selected = useMemo(() => new Set(model ? model.values : options.map((o) => o.value)), [model, options]);

  const getModelAsString = useCallback(
    (m: SetFilterModel | null) =>
      m ? m.values.map((v) => options.find((o) => o.value === v)?.label ?? v).join(', ') : '',
    [options],
  );
  // Rows are filtered by the server (Infinite Row Model); the grid never asks this filter per row.
  useGridFilter({ doesFilterPass: () => true, getModelAsString });

  const commit = (next: Set<string>) => {
    if (next.size === options.length) onModelChange(null);
    else onModelChange({ filterType: 'set', values: options.map((o) => o.value).filter((v) => next.has(v)) });
  };
  const toggle = (value: string) => {
    const next = new Set(selected);
    if (next.has(value)) next.delete(value);
    else next.add(value);
    commit(next);
  };
  const allTicked = selected.size === options.length;

  return (
    <div className="set-filter" data-testid="set-filter">
      <label className="set-filter-row set-filter-all">
        <input
          type="checkbox"
          checked={allTicked}
          ref={(el) => {
            if (el) el.indeterminate = !allTicked && selected.size > 0;
          }}
          onChange={() => commit(allTicked ? new Set() : new Set(options.map((o) => o.value)))}
        />
        <span>{selectAllLabel}</span>
      </label>
      <div className="set-filter-list">
        {options.map((o) => (
          <label key={o.value} className="set-filter-row">
            <input type="checkbox" checked={selected.has(o.value)} onChange={() => toggle(o.value)} />
            <span>{o.label}</span>
          </label>
        ))}
      </div>
      <div className="set-filter-actions">
        <button type="button" className="btn btn-small" disabled={model === null} onClick={() => onModelChange(null)}>
          {clearLabel}
        </button>
      </div>
    </div>
  );
}
