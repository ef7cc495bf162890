// An error as a person reads it: what kind of problem (in words), the code, and the service's message.
import type { ReactNode } from 'react';
import { toApiError, type ApiError } from '../api/client';
import { errorTitle } from '../i18n';
import { useSession } from '../session';

export function ErrorBox(props: {
  error: ApiError;
  title?: string;
  onDismiss?: () => void;
  testId?: string;
  hideCode?: boolean;
  action?: ReactNode;
}) {
  const { t } = useSession();
  return <ErrorView {...props} t={t} />;
}

/** A failed job: its message is all the job keeps (no error code). */
export function JobFailure(props: {
  message: string | null;
  title: string;
  onDismiss?: () => void;
  testId?: string;
  action?: ReactNode;
}) {
  return (
    <ErrorBox
      error={toApiError(new Error(props.message ?? ''))}
      title={props.title}
      onDismiss={props.onDismiss}
      testId={props.testId}
      action={props.action}
      hideCode
    />
  );
}

/** The same, for places outside the session (the start screen). */
export function ErrorView(props: {
  error: ApiError;
  t: ReturnType<typeof useSession>['t'];
  title?: string;
  onDismiss?: () => void;
  testId?: string;
  hideCode?: boolean;
  action?: ReactNode;
}) {
  const { error, t } = props;
  return (
    <div className="error-box" role="alert" data-testid={props.testId ?? 'error'}>
      <div className="error-box-text">
        <strong>{props.title ?? errorTitle(t, error.code)}</strong>
        {!props.hideCode && (
          <span className="error-box-code">
            {t('error.code')}: <code>{error.code}</code>
          </span>
        )}
        <div className="error-box-message">{error.message}</div>
      </div>
      {props.action}
      {props.onDismiss && (
        <button type="button" className="btn btn-small" onClick={props.onDismiss}>
          {t('common.dismiss')}
        </button>
      )}
    </div>
  );
}
