// The built-in column profiles (profile.ts; docs/column-profiles.md), validated once at load so a
// broken JSON file fails the first test rather than an import. To change a layout, copy its file,
// raise the version, and keep the old one while statements imported with it are in the store:
// every line records the profile version it was read with.
import { loadProfile, type ColumnProfile } from '../profile';
import allinpayV1 from './allinpay-v1.json' with { type: 'json' };
import bankCcbV1 from './bank-ccb-v1.json' with { type: 'json' };
import bankCmbCorporateV1 from './bank-cmb-corporate-v1.json' with { type: 'json' };
import bankGenericCnV1 from './bank-generic-cn-v1.json' with { type: 'json' };
import cashRegisterV1 from './cash-register-v1.json' with { type: 'json' };
import lakalaV1 from './lakala-v1.json' with { type: 'json' };
import unionpayPosV1 from './unionpay-pos-v1.json' with { type: 'json' };

export const lakalaProfiles: ColumnProfile[] = [loadProfile(lakalaV1)];
export const unionpayPosProfiles: ColumnProfile[] = [loadProfile(unionpayPosV1)];
export const allinpayProfiles: ColumnProfile[] = [loadProfile(allinpayV1)];
export const cashProfiles: ColumnProfile[] = [loadProfile(cashRegisterV1)];
/** Most specific first: a file that fits several is read with the one that knows most of its columns. */
export const bankProfiles: ColumnProfile[] = [
  loadProfile(bankCcbV1),
  loadProfile(bankCmbCorporateV1),
  loadProfile(bankGenericCnV1),
];

export const BUILTIN_PROFILES: readonly ColumnProfile[] = [
  ...lakalaProfiles,
  ...unionpayPosProfiles,
  ...allinpayProfiles,
  ...cashProfiles,
  ...bankProfiles,
];

/** Validate a profile given as JSON text or a parsed object; throws ProfileError listing every problem. */
export function parseProfile(json: unknown): ColumnProfile {
  return loadProfile(json);
}

/** A built-in profile by id (and version; the highest when omitted). */
export function builtinProfile(id: string, version?: number): ColumnProfile | null {
  const matching = BUILTIN_PROFILES.filter((p) => p.id === id && (version === undefined || p.version === version));
  return matching.sort((a, b) => b.version - a.version)[0] ?? null;
}
