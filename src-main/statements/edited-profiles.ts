// The user's edited column profiles (issue 4: Lakala publishes no file spec, so a new column layout
// must be configuration, not code). Each shipped profile id may have one edited profile, kept in the
// settings table; import detection and parsing use it in place of the shipped one from the next
// import on. Every save and reset is an audited decision of a local user.
//
// An edited profile gets a version of its own (one above any version the id has had), so lines read
// with it record which mapping read them and the same bytes and profile version always give the
// same lines (docs/column-profiles.md).
import type { Store } from '../store';
import type { ReadDb } from '../store/db';
import { audit } from '../store/audit';
import { getSetting, getSettings, putSetting } from '../store/settings';
import { BUILTIN_PROFILES, builtinProfile } from './profiles';
import { loadProfile, ProfileError, type ColumnProfile } from './profile';
import { parsersWith } from './registry';
import type { StatementParser } from './types';

const KEY_PREFIX = 'statements.profile.';

/** What the settings table keeps per profile id; profile null = the shipped default is in use. */
interface StoredProfile {
  profile: unknown;
  /** The highest version this id has had, so a reset and a new edit never reuse a version. */
  highestVersion: number;
}

export interface ProfileView {
  id: string;
  channel: ColumnProfile['channel'];
  title: string;
  /** The shipped profile, as the app reads it (defaults filled in). */
  shipped: ColumnProfile;
  /** The user's edited profile, or null when the shipped one is in use. */
  edited: ColumnProfile | null;
}

/** The shipped profile ids, in the order the built-in list gives them (channel order). */
export function editableProfileIds(): string[] {
  return [...new Set(BUILTIN_PROFILES.map((p) => p.id))];
}

function shippedOrThrow(id: string): ColumnProfile {
  const p = builtinProfile(id);
  if (!p) throw new ProfileError([`id: "${id}" is not a shipped column profile (${editableProfileIds().join(', ')})`]);
  return p;
}

// Parsed once per stored text: detection runs on every import, validation need not.
const parsedCache = new Map<string, StoredProfile & { profile: ColumnProfile | null }>();

function parseStored(text: string): StoredProfile & { profile: ColumnProfile | null } {
  let hit = parsedCache.get(text);
  if (!hit) {
    const raw = JSON.parse(text) as StoredProfile;
    hit = { highestVersion: raw.highestVersion, profile: raw.profile === null ? null : loadProfile(raw.profile) };
    if (parsedCache.size > 64) parsedCache.clear();
    parsedCache.set(text, hit);
  }
  return hit;
}

async function stored(read: ReadDb, id: string): Promise<(StoredProfile & { profile: ColumnProfile | null }) | null> {
  const text = await getSetting(read, KEY_PREFIX + id);
  return text === null ? null : parseStored(text);
}

/** The edited profiles in effect, by id. */
export async function editedProfiles(read: ReadDb): Promise<Map<string, ColumnProfile>> {
  const out = new Map<string, ColumnProfile>();
  for (const [key, text] of Object.entries(await getSettings(read))) {
    if (!key.startsWith(KEY_PREFIX)) continue;
    const { profile } = parseStored(text);
    if (profile) out.set(profile.id, profile);
  }
  return out;
}

/** The parsers an import uses now: the shipped ones with the user's edited profiles in place. */
export async function currentParsers(read: ReadDb): Promise<readonly StatementParser[]> {
  return parsersWith(await editedProfiles(read));
}

export async function profileViews(read: ReadDb): Promise<ProfileView[]> {
  const edited = await editedProfiles(read);
  return editableProfileIds().map((id) => {
    const shipped = shippedOrThrow(id);
    return { id, channel: shipped.channel, title: shipped.title, shipped, edited: edited.get(id) ?? null };
  });
}

/** Shipped fields that every edited profile must keep: they are what a statement line is built from. */
function requiredFieldsOf(p: ColumnProfile): string[] {
  return [...new Set(p.columns.filter((c) => c.required).map((c) => c.field))];
}

/**
 * Validate an edited profile against the profile schema and against its shipped profile: same id
 * and channel, every field the shipped profile requires still mapped (and required), and every
 * header-row name still a header of some column. Throws ProfileError naming each problem.
 */
export function checkEditedProfile(id: string, json: unknown): ColumnProfile {
  const shipped = shippedOrThrow(id);
  let p: ColumnProfile;
  try {
    p = loadProfile(json);
  } catch (e) {
    if (e instanceof ProfileError) throw new ProfileError(e.problems.map((m) => withFieldName(m, json)));
    throw e;
  }
  const problems: string[] = [];
  if (p.id !== id) problems.push(`id: "${p.id}" — an edited profile keeps the id of the shipped one ("${id}")`);
  if (p.channel !== shipped.channel)
    problems.push(`channel: "${p.channel}" — the "${id}" profile reads ${shipped.channel} statements`);
  for (const field of requiredFieldsOf(shipped)) {
    const cols = p.columns.filter((c) => c.field === field);
    if (cols.length === 0) problems.push(`columns: no column maps the required field "${field}"`);
    else if (!cols.some((c) => c.required))
      problems.push(`columns (${field}): the field "${field}" must stay required`);
  }
  const allHeaders = new Set(p.columns.flatMap((c) => c.headers));
  p.header.mustInclude.forEach((names, i) => {
    const list = typeof names === 'string' ? [names] : names;
    if (!list.some((n) => allHeaders.has(n)))
      problems.push(
        `header.mustInclude.${i}: ${list.map((n) => `"${n}"`).join(' / ')} is not a header of any column — rename it there too`,
      );
  });
  if (problems.length) throw new ProfileError(problems);
  return p;
}

/** "columns.8.headers: …" → "columns.8 (amount).headers: …": people know a column by its field. */
function withFieldName(problem: string, json: unknown): string {
  const columns = (json as { columns?: unknown } | null)?.columns;
  return problem.replace(/^columns\.(\d+)(?![\d (])/, (whole, i: string) => {
    const field = Array.isArray(columns) ? (columns[Number(i)] as { field?: unknown } | undefined)?.field : undefined;
    return typeof field === 'string' ? `${whole} (${field})` : whole;
  });
}

/** Same mapping, whatever the version. */
function sameContent(a: ColumnProfile, b: ColumnProfile): boolean {
  return JSON.stringify({ ...a, version: 0 }) === JSON.stringify({ ...b, version: 0 });
}

/**
 * Save the user's edited profile for `id` (validated; see checkEditedProfile). A changed mapping
 * gets the next version. Returns the profile now in effect.
 */
export async function saveEditedProfile(
  store: Store,
  id: string,
  json: unknown,
  actor: string,
  reason: string,
): Promise<ColumnProfile> {
  const checked = checkEditedProfile(id, json);
  const shipped = shippedOrThrow(id);
  return store.write(async (tx) => {
    const before = await stored(tx, id);
    const current = before?.profile ?? shipped;
    if (sameContent(checked, current)) return current;
    const highest = Math.max(before?.highestVersion ?? 0, shipped.version, current.version);
    const profile: ColumnProfile = { ...checked, version: highest + 1 };
    await putSetting(tx, KEY_PREFIX + id, JSON.stringify({ profile, highestVersion: profile.version }));
    await audit(tx, {
      userId: actor,
      action: 'profiles.save',
      entity: 'column_profile',
      entityId: id,
      before: before?.profile ?? { shipped: shipped.version },
      after: profile,
      reason,
    });
    return profile;
  });
}

/** Go back to the shipped profile for `id`. Returns the profile now in effect. */
export async function resetEditedProfile(store: Store, id: string, actor: string, reason: string): Promise<ColumnProfile> {
  const shipped = shippedOrThrow(id);
  return store.write(async (tx) => {
    const before = await stored(tx, id);
    if (!before?.profile) return shipped;
    await putSetting(tx, KEY_PREFIX + id, JSON.stringify({ profile: null, highestVersion: before.highestVersion }));
    await audit(tx, {
      userId: actor,
      action: 'profiles.reset',
      entity: 'column_profile',
      entityId: id,
      before: before.profile,
      after: { shipped: shipped.version },
      reason,
    });
    return shipped;
  });
}
