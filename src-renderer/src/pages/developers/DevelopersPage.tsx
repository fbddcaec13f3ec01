import { BookOpen, ExternalLink, FileJson } from 'lucide-react';
import { useEffect, useState, type ReactNode } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { serverInfoApi } from '../../api/server-info';
import { CopyButton } from '../../components/CopyButton';
import { PageHeader } from '../../components/PageHeader';
import { hasScope, useSession } from '../../state/session';
import './developers.css';

/** A POSIX shell word in single quotes (for paths with spaces). */
function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A command or program to paste, with its Copy button. */
function Snippet({ title, code, testId }: { title: string; code: string; testId?: string }) {
  return (
    <figure className="developers-snippet">
      <figcaption>
        <span>{title}</span>
        <CopyButton text={code} />
      </figcaption>
      <pre data-testid={testId}>
        <code>{code}</code>
      </pre>
    </figure>
  );
}

function Card({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section className="card developers-card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

export function DevelopersPage() {
  const { t } = useTranslation('developers');
  const baseUrl = useSession((s) => s.baseUrl).replace(/\/+$/, '');
  const who = useSession((s) => s.who);
  const admin = hasScope(who, 'admin');
  const [dataDir, setDataDir] = useState<string | null>(null);

  // With an admin key, the CLI example names the data directory this server uses.
  useEffect(() => {
    if (!admin) return;
    const controller = new AbortController();
    serverInfoApi.get(controller.signal).then(
      (info) => setDataDir(info.dataDir),
      () => undefined, // the example works without it for the default directory
    );
    return () => controller.abort();
  }, [admin]);

  const api = `${baseUrl}/api/v1`;
  const auth = '-H "Authorization: Bearer $QRDESK_KEY"';
  const cli = `npx qrdesk keys create --name "my script" --scopes read,write${dataDir ? ` --data-dir ${shellQuote(dataDir)}` : ''}`;
  const setKey = `export QRDESK_KEY=$(${cli})`;
  const verify = `curl ${auth} ${api}/auth/verify`;
  const list = `curl ${auth} "${api}/qrcodes?limit=20"`;
  const create = [
    `curl -X POST ${auth} \\`,
    `  -H "Content-Type: application/json" \\`,
    `  -d '{"type": "url", "content": "https://example.com", "name": "Example"}' \\`,
    `  ${api}/qrcodes`,
  ].join('\n');
  const image = `curl ${auth} -o code.png "${api}/qrcodes/CODE_ID/image?format=png&size=512"`;
  const node = [
    `const res = await fetch('${api}/qrcodes', {`,
    `  method: 'POST',`,
    `  headers: {`,
    `    Authorization: \`Bearer \${process.env.QRDESK_KEY}\`,`,
    `    'Content-Type': 'application/json',`,
    `  },`,
    `  body: JSON.stringify({ type: 'url', content: 'https://example.com' }),`,
    `});`,
    `if (!res.ok) throw new Error((await res.json()).error.message);`,
    `const code = await res.json();`,
    `console.log(code.id, code.payload);`,
  ].join('\n');
  const errorExample = [
    '{',
    '  "error": {',
    '    "code": "VALIDATION_ERROR",',
    '    "message": "Invalid body: design.foregroundColor: …",',
    '    "details": [{ "path": "design.foregroundColor", "message": "…" }]',
    '  }',
    '}',
  ].join('\n');

  return (
    <div className="developers">
      <PageHeader title={t('title')}>
        <p className="muted developers-intro">{t('intro')}</p>
      </PageHeader>

      <Card id="developers-base" title={t('base.title')}>
        <p>{t('base.body')}</p>
        <p className="developers-base-url">
          <code data-testid="api-base-url">{api}</code>
          <CopyButton text={api} />
        </p>
        <ul className="developers-links">
          <li>
            <a href={`${baseUrl}/docs`} target="_blank" rel="noopener noreferrer">
              <BookOpen size={16} aria-hidden="true" />
              {t('base.docs')}
              <ExternalLink size={14} aria-hidden="true" />
              <span className="visually-hidden">{t('newTab')}</span>
            </a>
            <span className="muted small"> — {t('base.docsHint')}</span>
          </li>
          <li>
            <a href={`${baseUrl}/openapi.json`} target="_blank" rel="noopener noreferrer">
              <FileJson size={16} aria-hidden="true" />
              {t('base.openapi')}
              <ExternalLink size={14} aria-hidden="true" />
              <span className="visually-hidden">{t('newTab')}</span>
            </a>
            <span className="muted small"> — {t('base.openapiHint')}</span>
          </li>
        </ul>
      </Card>

      <Card id="developers-key" title={t('key.title')}>
        <p>
          <Trans t={t} i18nKey="key.inApp" components={{ settings: <Link to="/settings#settings-api-keys" /> }} />
        </p>
        <p>{t('key.inTerminal')}</p>
        <Snippet title={t('key.snippet')} code={setKey} testId="cli-example" />
        <p className="muted small">{t('key.note')}</p>
      </Card>

      <Card id="developers-try" title={t('try.title')}>
        <p>{t('try.body')}</p>
        <Snippet title={t('try.verify')} code={verify} testId="curl-verify" />
        <Snippet title={t('try.list')} code={list} testId="curl-list" />
        <Snippet title={t('try.create')} code={create} testId="curl-create" />
        <Snippet title={t('try.image')} code={image} testId="curl-image" />
        <Snippet title={t('try.node')} code={node} testId="node-example" />
      </Card>

      <Card id="developers-conventions" title={t('conventions.title')}>
        <dl className="developers-conventions">
          <dt>{t('conventions.auth.title')}</dt>
          <dd>
            <Trans t={t} i18nKey="conventions.auth.body" components={{ c: <code /> }} />
          </dd>
          <dt>{t('conventions.errors.title')}</dt>
          <dd>
            <Trans t={t} i18nKey="conventions.errors.body" components={{ c: <code /> }} />
            <pre className="developers-pre">
              <code>{errorExample}</code>
            </pre>
          </dd>
          <dt>{t('conventions.pagination.title')}</dt>
          <dd>
            <Trans t={t} i18nKey="conventions.pagination.body" components={{ c: <code /> }} />
          </dd>
          <dt>{t('conventions.rateLimits.title')}</dt>
          <dd>
            <Trans t={t} i18nKey="conventions.rateLimits.body" components={{ c: <code /> }} />
          </dd>
          <dt>{t('conventions.idempotency.title')}</dt>
          <dd>
            <Trans t={t} i18nKey="conventions.idempotency.body" components={{ c: <code /> }} />
          </dd>
          <dt>{t('conventions.dynamic.title')}</dt>
          <dd>
            <Trans t={t} i18nKey="conventions.dynamic.body" components={{ c: <code /> }} />
          </dd>
        </dl>
      </Card>
    </div>
  );
}
