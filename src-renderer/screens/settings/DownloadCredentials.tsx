// Settings: the credentials of the channels' statement APIs (WeChat Pay, Lakala, UnionPay). Ids and
// the address are shown and edited; the two keys are write-only: only whether each is saved, its
// fingerprint and where it is kept are shown. Every save is audited under the current user.
import { useEffect, useState, type FormEvent } from 'react';
import type { OpInput, OpResult } from '../../../src-main/api/contract';
import { call, toApiError, type ApiError } from '../../api/client';
import { ErrorBox } from '../../components/ErrorBox';
import type { TextKey } from '../../i18n';
import { useSession } from '../../session';

type DownloadSettingsView = OpResult<'downloads.settings.get'>;
type ChannelView = DownloadSettingsView['channels'][number];
type Update = OpInput<'downloads.settings.update'>;

/** The id fields of each channel, in the order the API documentation gives them. */
const FIELDS: Record<ChannelView['channel'], string[]> = {
  wechat: ['url', 'mchid', 'serialNo', 'platformSerial'],
  lakala: ['url', 'appid', 'serialNo', 'merchantNo', 'platformSerial'],
  unionpay: ['url', 'merId', 'certId'],
};
const KEYS = ['privateKey', 'platformPublicKey'] as const;

export function DownloadCredentials() {
  const { t } = useSession();
  const [view, setView] = useState<DownloadSettingsView | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    call('downloads.settings.get', {}).then(setView, (e: unknown) => setError(toApiError(e, 'downloads.settings.get')));
  }, []);

  const storage = view?.channels[0]?.keyStorage;
  return (
    <section className="card" data-testid="download-credentials">
      <h2>{t('downloads.settings.title')}</h2>
      {storage && (
        <p className="field-hint">
          {t('downloads.settings.hint', { storage: t(`downloads.settings.storage.${storage}` as TextKey) })}
        </p>
      )}
      {error && <ErrorBox error={error} onDismiss={() => setError(null)} />}
      {view?.channels.map((c) => (
        <ChannelForm key={c.channel} view={c} onSaved={setView} />
      ))}
      {view?.manual.map((m) => (
        <p key={m.channel} className="muted" data-testid={`download-manual-${m.channel}`}>
          {m.channel}: {t('downloads.settings.manual')} — {m.reason}
        </p>
      ))}
    </section>
  );
}

function ChannelForm(props: { view: ChannelView; onSaved: (v: DownloadSettingsView) => void }) {
  const { t, user, label } = useSession();
  const c = props.view;
  const [fields, setFields] = useState<Record<string, string>>(c.fields);
  const [keys, setKeys] = useState<Record<string, string>>({});
  const [automatic, setAutomatic] = useState(c.automatic);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const changedFields = FIELDS[c.channel].filter((k) => (fields[k] ?? '').trim() !== (c.fields[k] ?? ''));
  const changedKeys = KEYS.filter((k) => (keys[k] ?? '').trim() !== '');
  const changed = changedFields.length > 0 || changedKeys.length > 0 || automatic !== c.automatic;

  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!user) return;
    setBusy(true);
    setSaved(false);
    setError(null);
    const input: Record<string, unknown> = { channel: c.channel, actor: user };
    for (const k of changedFields) input[k] = fields[k]!.trim();
    for (const k of changedKeys) input[k] = keys[k]!.trim();
    if (c.channel === 'unionpay' && automatic !== c.automatic) input['automatic'] = automatic;
    try {
      const next = await call('downloads.settings.update', input as Update);
      const mine = next.channels.find((x) => x.channel === c.channel)!;
      setFields(mine.fields);
      setKeys({});
      setAutomatic(mine.automatic);
      setSaved(true);
      props.onSaved(next);
    } catch (err) {
      setError(toApiError(err, 'downloads.settings.update'));
    } finally {
      setBusy(false);
    }
  };

  const fieldName = (k: string) => t(`downloads.field.${k}` as TextKey);
  return (
    <form
      className="form download-channel"
      onSubmit={(e) => void save(e)}
      data-testid={`download-${c.channel}`}
      data-configured={c.configured}
    >
      <h3 className="card-subhead">
        {label('channel', c.channel)}{' '}
        <span className={`status ${c.configured ? 'status-ok' : 'status-missing'}`} data-testid="download-state">
          {c.configured
            ? t('downloads.settings.configured')
            : t('downloads.settings.missing', { names: c.missing.map(fieldName).join('、') })}
        </span>
      </h3>
      {FIELDS[c.channel].map((k) => (
        <label className="field" key={k}>
          <span className="field-label">{fieldName(k)}</span>
          <input
            type={k === 'url' ? 'url' : 'text'}
            value={fields[k] ?? ''}
            onChange={(e) => setFields({ ...fields, [k]: e.target.value })}
            spellCheck={false}
            data-testid={`download-field-${k}`}
          />
        </label>
      ))}
      {KEYS.map((k) => {
        const state = c[k];
        return (
          <label className="field" key={k}>
            <span className="field-label">{fieldName(k)}</span>
            <span className="muted" data-testid={`download-key-${k}`}>
              {!state.present
                ? t('downloads.settings.keyAbsent')
                : state.error
                  ? t('downloads.settings.keyBroken', { error: state.error })
                  : t('downloads.settings.keyPresent', { fingerprint: state.fingerprint ?? '' })}
            </span>
            <textarea
              rows={3}
              className="mono"
              value={keys[k] ?? ''}
              onChange={(e) => setKeys({ ...keys, [k]: e.target.value })}
              placeholder={t('downloads.settings.keyPlaceholder')}
              spellCheck={false}
              autoComplete="off"
              data-testid={`download-pem-${k}`}
            />
          </label>
        );
      })}
      {c.channel === 'unionpay' && (
        <label className="inline-field">
          <input
            type="checkbox"
            checked={automatic}
            onChange={(e) => setAutomatic(e.target.checked)}
            data-testid="download-automatic"
          />
          <span>{t('downloads.settings.automatic')}</span>
        </label>
      )}
      <div className="form-actions">
        <button
          type="submit"
          className="btn btn-primary"
          disabled={!user || !changed || busy}
          data-testid="download-save"
        >
          {t('common.save')}
        </button>
        {saved && <span className="ok-text">{t('common.saved')}</span>}
      </div>
      {error && <ErrorBox error={error} onDismiss={() => setError(null)} />}
    </form>
  );
}
