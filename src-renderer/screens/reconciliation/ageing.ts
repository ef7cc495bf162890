// Ageing of open items (design/reconciliation.md §11): 0–1, 2–3, 4–7, 8–30, >30 days, as the server
// counts them (AGE_BUCKETS in store/recon.ts); the grid colours the age cell by the same bounds.
export const AGE_CLASS = [
  { bucket: '0-1', min: 0, cls: 'age-fresh' },
  { bucket: '2-3', min: 2, cls: 'age-fresh' },
  { bucket: '4-7', min: 4, cls: 'age-warn' },
  { bucket: '8-30', min: 8, cls: 'age-old' },
  { bucket: '>30', min: 31, cls: 'age-stale' },
] as const;
