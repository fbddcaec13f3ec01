import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Field } from '../components/Field';

/** Shown without a key: how to get one, and a field to paste it. */
export function SignIn({ problem, onKey }: { problem: string | null; onKey(key: string): void }) {
  const { t } = useTranslation();
  const [key, setKey] = useState('');
  return (
    <main className="sign-in" id="main">
      <h1>{t('signIn.title')}</h1>
      <p>{t('signIn.intro')}</p>
      <p>{t('signIn.howTo')}</p>
      {problem && (
        <p role="alert" className="error-message" data-testid="error">
          {t('signIn.invalid', { message: problem })}
        </p>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (key.trim()) onKey(key.trim());
        }}
      >
        <Field label={t('signIn.keyLabel')}>
          {(control) => (
            <input
              {...control}
              type="password"
              autoComplete="off"
              spellCheck={false}
              value={key}
              onChange={(e) => setKey(e.target.value)}
              placeholder="qrd_…"
            />
          )}
        </Field>
        <button type="submit" className="primary">
          {t('signIn.submit')}
        </button>
      </form>
    </main>
  );
}
