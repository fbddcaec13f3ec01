import { Eye, EyeOff, Plus, Trash2 } from 'lucide-react';
import { useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { bareHandle, SOCIAL_NETWORKS, SOCIAL_RULES } from '../../../../src-shared/payloads/social';
import {
  TEXT_MAX_LENGTH,
  VCARD_MAX_ITEMS,
  VCARD_PHONE_TYPES,
  WIFI_ENCRYPTIONS,
  type QrType,
} from '../../../../src-shared/schemas/content';
import { Field, type FieldControlProps } from '../../components/Field';
import { formatNumber } from '../../utils/format';
import type { AnyDraft, Drafts } from './content-model';

export interface ContentFormProps {
  type: QrType;
  draft: AnyDraft;
  /** A dynamic code: the content is where its short link leads. */
  dynamic: boolean;
  /** `field` names the control (for undo coalescing and for clearing its server message). */
  onChange(field: string, patch: Partial<AnyDraft>): void;
  /** The message to show under the control at an API path such as `content.ssid`. */
  errorAt(path: string): string | undefined;
  /** Marks a control as visited, so its instant validation message may show. */
  touch(path: string): void;
}

interface FormProps<T extends QrType> extends Omit<ContentFormProps, 'draft' | 'onChange' | 'type'> {
  draft: Drafts[T];
  onChange(field: string, patch: Partial<Drafts[T]>): void;
}

/** One content form per type, mirroring the fields its schema accepts. */
export function ContentForm(props: ContentFormProps) {
  switch (props.type) {
    case 'url':
      return <UrlForm {...(props as unknown as FormProps<'url'>)} />;
    case 'text':
      return <TextForm {...(props as unknown as FormProps<'text'>)} />;
    case 'phone':
      return <PhoneForm {...(props as unknown as FormProps<'phone'>)} />;
    case 'wifi':
      return <WifiForm {...(props as unknown as FormProps<'wifi'>)} />;
    case 'vcard':
      return <VcardForm {...(props as unknown as FormProps<'vcard'>)} />;
    case 'email':
      return <EmailForm {...(props as unknown as FormProps<'email'>)} />;
    case 'sms':
    case 'whatsapp':
      return <MessageForm {...(props as unknown as FormProps<'sms'>)} whatsapp={props.type === 'whatsapp'} />;
    case 'geo':
      return <GeoForm {...(props as unknown as FormProps<'geo'>)} />;
    case 'event':
      return <EventForm {...(props as unknown as FormProps<'event'>)} />;
    case 'payment':
      return <PaymentForm {...(props as unknown as FormProps<'payment'>)} />;
    case 'social':
      return <SocialForm {...(props as unknown as FormProps<'social'>)} />;
  }
}

// ---------------------------------------------------------------------------
// Building blocks

interface TextFieldProps {
  label: ReactNode;
  path: string;
  value: string;
  onValue(value: string): void;
  errorAt(path: string): string | undefined;
  touch(path: string): void;
  hint?: ReactNode;
  type?: 'text' | 'url' | 'email' | 'tel' | 'date' | 'datetime-local';
  multiline?: boolean;
  required?: boolean;
  placeholder?: string;
  autoComplete?: string;
  inputMode?: 'text' | 'decimal' | 'tel' | 'email' | 'url';
  spellCheck?: boolean;
  maxLength?: number;
  className?: string;
  list?: string;
}

function TextField({
  label,
  path,
  value,
  onValue,
  errorAt,
  touch,
  hint,
  type = 'text',
  multiline,
  required,
  placeholder,
  autoComplete = 'off',
  inputMode,
  spellCheck,
  maxLength,
  className,
  list,
}: TextFieldProps) {
  const common = (control: FieldControlProps) => ({
    ...control,
    value,
    name: path,
    required,
    placeholder,
    autoComplete,
    spellCheck,
    maxLength,
    onBlur: () => touch(path),
  });
  return (
    <Field label={label} hint={hint} error={errorAt(path)} className={className}>
      {(control) =>
        multiline ? (
          <textarea {...common(control)} rows={4} onChange={(e) => onValue(e.target.value)} />
        ) : (
          <input
            {...common(control)}
            type={type}
            inputMode={inputMode}
            list={list}
            onChange={(e) => onValue(e.target.value)}
          />
        )
      }
    </Field>
  );
}

function CharCount({ value, max }: { value: string; max: number }) {
  const { t } = useTranslation('designer');
  return <>{t('form.charCount', { max: formatNumber(max), n: formatNumber(value.length) })}</>;
}

// ---------------------------------------------------------------------------
// Forms

function UrlForm({ draft, onChange, errorAt, touch, dynamic }: FormProps<'url'>) {
  const { t } = useTranslation('designer');
  return (
    <TextField
      label={dynamic ? t('form.url.destination') : t('form.url.label')}
      path="content"
      value={draft.url}
      onValue={(url) => onChange('url', { url })}
      errorAt={errorAt}
      touch={touch}
      type="url"
      inputMode="url"
      required
      spellCheck={false}
      placeholder="https://example.com/menu"
      hint={dynamic ? t('form.url.destinationHint') : t('form.url.hint')}
    />
  );
}

function TextForm({ draft, onChange, errorAt, touch }: FormProps<'text'>) {
  const { t } = useTranslation('designer');
  return (
    <TextField
      label={t('form.text.label')}
      path="content"
      value={draft.text}
      onValue={(text) => onChange('text', { text })}
      errorAt={errorAt}
      touch={touch}
      multiline
      required
      hint={<CharCount value={draft.text} max={TEXT_MAX_LENGTH} />}
    />
  );
}

function PhoneForm({ draft, onChange, errorAt, touch }: FormProps<'phone'>) {
  const { t } = useTranslation('designer');
  return (
    <TextField
      label={t('form.phone.label')}
      path="content"
      value={draft.phone}
      onValue={(phone) => onChange('phone', { phone })}
      errorAt={errorAt}
      touch={touch}
      type="tel"
      inputMode="tel"
      autoComplete="tel"
      required
      placeholder="+33 1 23 45 67 89"
      hint={t('form.phone.hint')}
    />
  );
}

function WifiForm({ draft, onChange, errorAt, touch }: FormProps<'wifi'>) {
  const { t } = useTranslation('designer');
  const [show, setShow] = useState(false);
  const passwordPath = 'content.password';
  const passwordError = errorAt(passwordPath);
  return (
    <>
      <TextField
        label={t('form.wifi.ssid')}
        path="content.ssid"
        value={draft.ssid}
        onValue={(ssid) => onChange('ssid', { ssid })}
        errorAt={errorAt}
        touch={touch}
        required
        spellCheck={false}
        hint={t('form.wifi.ssidHint')}
      />
      <Field label={t('form.wifi.encryption')} hint={t(`form.wifi.encryptionHint.${draft.encryption}`)}>
        {(control) => (
          <select
            {...control}
            value={draft.encryption}
            onChange={(e) => {
              const encryption = e.target.value as Drafts['wifi']['encryption'];
              onChange('encryption', { encryption, ...(encryption === 'nopass' ? { password: '' } : {}) });
            }}
          >
            {WIFI_ENCRYPTIONS.map((enc) => (
              <option key={enc} value={enc}>
                {t(`form.wifi.encryptions.${enc}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
      {draft.encryption !== 'nopass' && (
        <Field
          label={t('form.wifi.password')}
          error={passwordError}
          hint={draft.encryption === 'WPA' ? t('form.wifi.passwordHintWpa') : t('form.wifi.passwordHintWep')}
        >
          {(control) => (
            <div className="designer-input-with-button">
              <input
                {...control}
                name={passwordPath}
                type={show ? 'text' : 'password'}
                value={draft.password}
                autoComplete="off"
                spellCheck={false}
                onChange={(e) => onChange('password', { password: e.target.value })}
                onBlur={() => touch(passwordPath)}
              />
              <button
                type="button"
                className="icon-button"
                aria-pressed={show}
                aria-label={show ? t('form.wifi.hidePassword') : t('form.wifi.showPassword')}
                title={show ? t('form.wifi.hidePassword') : t('form.wifi.showPassword')}
                onClick={() => setShow(!show)}
              >
                {show ? <EyeOff size={18} aria-hidden="true" /> : <Eye size={18} aria-hidden="true" />}
              </button>
            </div>
          )}
        </Field>
      )}
      <label className="designer-check">
        <input
          type="checkbox"
          checked={draft.hidden}
          onChange={(e) => onChange('hidden', { hidden: e.target.checked })}
        />
        <span>{t('form.wifi.hidden')}</span>
      </label>
    </>
  );
}

function VcardForm({ draft, onChange, errorAt, touch }: FormProps<'vcard'>) {
  const { t } = useTranslation('designer');
  const field = (name: keyof Drafts['vcard'] & string, label: string, extra: Partial<TextFieldProps> = {}) => (
    <TextField
      label={label}
      path={
        ['street', 'city', 'postalCode', 'region', 'country'].includes(name)
          ? `content.address.${name}`
          : `content.${name}`
      }
      value={draft[name] as string}
      onValue={(value) => onChange(name, { [name]: value })}
      errorAt={errorAt}
      touch={touch}
      {...extra}
    />
  );
  const setPhone = (i: number, patch: Partial<Drafts['vcard']['phones'][number]>) =>
    onChange(`phones.${i}`, { phones: draft.phones.map((p, j) => (j === i ? { ...p, ...patch } : p)) });
  const setEmail = (i: number, value: string) =>
    onChange(`emails.${i}`, { emails: draft.emails.map((e, j) => (j === i ? value : e)) });
  return (
    <>
      <p className="muted small designer-form-note">{t('form.vcard.needsName')}</p>
      <div className="designer-grid-2">
        {field('firstName', t('form.vcard.firstName'), { autoComplete: 'off' })}
        {field('lastName', t('form.vcard.lastName'))}
        {field('organization', t('form.vcard.organization'))}
        {field('title', t('form.vcard.title'))}
      </div>
      <fieldset className="designer-subfieldset">
        <legend>{t('form.vcard.phones')}</legend>
        {draft.phones.map((phone, i) => (
          <div className="designer-list-row" key={i}>
            <TextField
              label={t('form.vcard.phoneNumber', { n: i + 1 })}
              path={`content.phones.${i}.number`}
              value={phone.number}
              onValue={(number) => setPhone(i, { number })}
              errorAt={errorAt}
              touch={touch}
              type="tel"
              inputMode="tel"
              className="designer-grow"
            />
            <Field label={t('form.vcard.phoneType')}>
              {(control) => (
                <select
                  {...control}
                  value={phone.type}
                  onChange={(e) => setPhone(i, { type: e.target.value as (typeof VCARD_PHONE_TYPES)[number] })}
                >
                  {VCARD_PHONE_TYPES.map((type) => (
                    <option key={type} value={type}>
                      {t(`form.vcard.phoneTypes.${type}`)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <button
              type="button"
              className="icon-button designer-remove"
              aria-label={t('form.vcard.removePhone', { n: i + 1 })}
              title={t('form.vcard.removePhone', { n: i + 1 })}
              disabled={draft.phones.length === 1 && phone.number === ''}
              onClick={() =>
                onChange('phones', {
                  phones:
                    draft.phones.length === 1 ? [{ number: '', type: 'cell' }] : draft.phones.filter((_, j) => j !== i),
                })
              }
            >
              <Trash2 size={16} aria-hidden="true" />
            </button>
          </div>
        ))}
        {draft.phones.length < VCARD_MAX_ITEMS && (
          <button
            type="button"
            onClick={() => onChange('phones', { phones: [...draft.phones, { number: '', type: 'work' }] })}
          >
            <Plus size={16} aria-hidden="true" />
            {t('form.vcard.addPhone')}
          </button>
        )}
      </fieldset>
      <fieldset className="designer-subfieldset">
        <legend>{t('form.vcard.emails')}</legend>
        {draft.emails.map((email, i) => (
          <div className="designer-list-row" key={i}>
            <TextField
              label={t('form.vcard.email', { n: i + 1 })}
              path={`content.emails.${i}`}
              value={email}
              onValue={(value) => setEmail(i, value)}
              errorAt={errorAt}
              touch={touch}
              type="email"
              inputMode="email"
              spellCheck={false}
              className="designer-grow"
            />
            <button
              type="button"
              className="icon-button designer-remove"
              aria-label={t('form.vcard.removeEmail', { n: i + 1 })}
              title={t('form.vcard.removeEmail', { n: i + 1 })}
              disabled={draft.emails.length === 1 && email === ''}
              onClick={() =>
                onChange('emails', {
                  emails: draft.emails.length === 1 ? [''] : draft.emails.filter((_, j) => j !== i),
                })
              }
            >
              <Trash2 size={16} aria-hidden="true" />
            </button>
          </div>
        ))}
        {draft.emails.length < VCARD_MAX_ITEMS && (
          <button type="button" onClick={() => onChange('emails', { emails: [...draft.emails, ''] })}>
            <Plus size={16} aria-hidden="true" />
            {t('form.vcard.addEmail')}
          </button>
        )}
      </fieldset>
      {field('website', t('form.vcard.website'), {
        type: 'url',
        inputMode: 'url',
        spellCheck: false,
        placeholder: 'https://example.com',
      })}
      <fieldset className="designer-subfieldset">
        <legend>{t('form.vcard.address')}</legend>
        {field('street', t('form.vcard.street'))}
        <div className="designer-grid-2">
          {field('postalCode', t('form.vcard.postalCode'))}
          {field('city', t('form.vcard.city'))}
          {field('region', t('form.vcard.region'))}
          {field('country', t('form.vcard.country'))}
        </div>
      </fieldset>
      {field('note', t('form.vcard.note'), { multiline: true })}
    </>
  );
}

function EmailForm({ draft, onChange, errorAt, touch }: FormProps<'email'>) {
  const { t } = useTranslation('designer');
  return (
    <>
      <TextField
        label={t('form.email.to')}
        path="content.to"
        value={draft.to}
        onValue={(to) => onChange('to', { to })}
        errorAt={errorAt}
        touch={touch}
        type="email"
        inputMode="email"
        spellCheck={false}
        required
        placeholder="hello@example.com"
      />
      <TextField
        label={t('form.email.subject')}
        path="content.subject"
        value={draft.subject}
        onValue={(subject) => onChange('subject', { subject })}
        errorAt={errorAt}
        touch={touch}
      />
      <TextField
        label={t('form.email.body')}
        path="content.body"
        value={draft.body}
        onValue={(body) => onChange('body', { body })}
        errorAt={errorAt}
        touch={touch}
        multiline
      />
    </>
  );
}

function MessageForm({ draft, onChange, errorAt, touch, whatsapp }: FormProps<'sms'> & { whatsapp: boolean }) {
  const { t } = useTranslation('designer');
  return (
    <>
      <TextField
        label={t('form.message.phone')}
        path="content.phone"
        value={draft.phone}
        onValue={(phone) => onChange('phone', { phone })}
        errorAt={errorAt}
        touch={touch}
        type="tel"
        inputMode="tel"
        required
        placeholder={whatsapp ? '+49 151 2345 6789' : '+44 20 7946 0958'}
        hint={whatsapp ? t('form.message.whatsappHint') : t('form.message.smsHint')}
      />
      <TextField
        label={t('form.message.message')}
        path="content.message"
        value={draft.message}
        onValue={(message) => onChange('message', { message })}
        errorAt={errorAt}
        touch={touch}
        multiline
        hint={t('form.message.messageHint')}
      />
    </>
  );
}

function GeoForm({ draft, onChange, errorAt, touch }: FormProps<'geo'>) {
  const { t } = useTranslation('designer');
  return (
    <>
      <div className="designer-grid-2">
        <TextField
          label={t('form.geo.latitude')}
          path="content.latitude"
          value={draft.latitude}
          onValue={(latitude) => onChange('latitude', { latitude })}
          errorAt={errorAt}
          touch={touch}
          inputMode="decimal"
          required
          placeholder="48.8584"
          hint={t('form.geo.latitudeHint')}
        />
        <TextField
          label={t('form.geo.longitude')}
          path="content.longitude"
          value={draft.longitude}
          onValue={(longitude) => onChange('longitude', { longitude })}
          errorAt={errorAt}
          touch={touch}
          inputMode="decimal"
          required
          placeholder="2.2945"
          hint={t('form.geo.longitudeHint')}
        />
      </div>
      <TextField
        label={t('form.geo.label')}
        path="content.label"
        value={draft.label}
        onValue={(label) => onChange('label', { label })}
        errorAt={errorAt}
        touch={touch}
        hint={t('form.geo.labelHint')}
      />
    </>
  );
}

const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** The input type that can show a stored time: a picker when it fits one, else plain text (offsets, Z). */
function timeInputType(value: string, allDay: boolean): 'date' | 'datetime-local' | 'text' {
  if (allDay) return value === '' || DATE_ONLY.test(value) ? 'date' : 'text';
  return value === '' || LOCAL_DATE_TIME.test(value) ? 'datetime-local' : 'text';
}

function timeZones(): string[] {
  try {
    return (Intl as unknown as { supportedValuesOf(key: string): string[] }).supportedValuesOf('timeZone');
  } catch {
    return [];
  }
}

function EventForm({ draft, onChange, errorAt, touch }: FormProps<'event'>) {
  const { t } = useTranslation('designer');
  const zones = useMemo(timeZones, []);
  const toggleAllDay = (allDay: boolean) => {
    const convert = (value: string, time: string) => {
      if (value === '') return value;
      if (allDay) return LOCAL_DATE_TIME.test(value) ? value.slice(0, 10) : value;
      return DATE_ONLY.test(value) ? `${value}T${time}` : value;
    };
    onChange('allDay', { allDay, start: convert(draft.start, '09:00'), end: convert(draft.end, '10:00') });
  };
  return (
    <>
      <TextField
        label={t('form.event.title')}
        path="content.title"
        value={draft.title}
        onValue={(title) => onChange('title', { title })}
        errorAt={errorAt}
        touch={touch}
        required
      />
      <label className="designer-check">
        <input type="checkbox" checked={draft.allDay} onChange={(e) => toggleAllDay(e.target.checked)} />
        <span>{t('form.event.allDay')}</span>
      </label>
      <div className="designer-grid-2">
        <TextField
          label={t('form.event.start')}
          path="content.start"
          value={draft.start}
          onValue={(start) => onChange('start', { start })}
          errorAt={errorAt}
          touch={touch}
          type={timeInputType(draft.start, draft.allDay)}
          required
        />
        <TextField
          label={draft.allDay ? t('form.event.endDay') : t('form.event.end')}
          path="content.end"
          value={draft.end}
          onValue={(end) => onChange('end', { end })}
          errorAt={errorAt}
          touch={touch}
          type={timeInputType(draft.end, draft.allDay)}
          hint={t('form.event.endHint')}
        />
      </div>
      {!draft.allDay && (
        <>
          <TextField
            label={t('form.event.timezone')}
            path="content.timezone"
            value={draft.timezone}
            onValue={(timezone) => onChange('timezone', { timezone })}
            errorAt={errorAt}
            touch={touch}
            list="designer-time-zones"
            spellCheck={false}
            placeholder="Europe/Paris"
            hint={t('form.event.timezoneHint')}
          />
          <datalist id="designer-time-zones">
            {zones.map((zone) => (
              <option key={zone} value={zone} />
            ))}
          </datalist>
        </>
      )}
      <TextField
        label={t('form.event.location')}
        path="content.location"
        value={draft.location}
        onValue={(location) => onChange('location', { location })}
        errorAt={errorAt}
        touch={touch}
      />
      <TextField
        label={t('form.event.description')}
        path="content.description"
        value={draft.description}
        onValue={(description) => onChange('description', { description })}
        errorAt={errorAt}
        touch={touch}
        multiline
      />
    </>
  );
}

function PaymentForm({ draft, onChange, errorAt, touch }: FormProps<'payment'>) {
  const { t } = useTranslation('designer');
  const text = (
    name: keyof Drafts['payment'] & string,
    label: string,
    extra: Partial<TextFieldProps> = {},
  ): ReactNode => (
    <TextField
      label={label}
      path={`content.${name}`}
      value={draft[name]}
      onValue={(value) => onChange(name, { [name]: value })}
      errorAt={errorAt}
      touch={touch}
      {...extra}
    />
  );
  return (
    <>
      <p className="muted small designer-form-note">{t('form.payment.intro')}</p>
      {text('name', t('form.payment.name'), { required: true, hint: t('form.payment.nameHint') })}
      {text('iban', t('form.payment.iban'), {
        required: true,
        spellCheck: false,
        placeholder: 'FR76 3000 6000 0112 3456 7890 189',
        hint: t('form.payment.ibanHint'),
      })}
      <div className="designer-grid-2">
        {text('bic', t('form.payment.bic'), { spellCheck: false, hint: t('form.payment.bicHint') })}
        {text('amount', t('form.payment.amount'), {
          inputMode: 'decimal',
          placeholder: '12.50',
          hint: t('form.payment.amountHint'),
        })}
      </div>
      {text('reference', t('form.payment.reference'), { spellCheck: false, hint: t('form.payment.referenceHint') })}
      {text('text', t('form.payment.text'), { hint: t('form.payment.textHint') })}
    </>
  );
}

function SocialForm({ draft, onChange, errorAt, touch }: FormProps<'social'>) {
  const { t } = useTranslation('designer');
  const handle = bareHandle(draft.handle);
  const profileUrl =
    draft.network && handle && SOCIAL_RULES[draft.network].pattern.test(handle)
      ? SOCIAL_RULES[draft.network].profileUrl(handle)
      : null;
  return (
    <>
      <fieldset className="designer-segmented">
        <legend>{t('form.social.mode')}</legend>
        {(['profile', 'url'] as const).map((mode) => (
          <label key={mode}>
            <input
              type="radio"
              name="designer-social-mode"
              value={mode}
              checked={draft.mode === mode}
              onChange={() => onChange('mode', { mode })}
            />
            <span>{t(`form.social.modes.${mode}`)}</span>
          </label>
        ))}
      </fieldset>
      {draft.mode === 'profile' ? (
        <div className="designer-grid-2">
          <Field label={t('form.social.network')} error={errorAt('content.network')}>
            {(control) => (
              <select
                {...control}
                value={draft.network}
                onChange={(e) => onChange('network', { network: e.target.value as Drafts['social']['network'] })}
              >
                {SOCIAL_NETWORKS.map((network) => (
                  <option key={network} value={network}>
                    {t(`form.social.networks.${network}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <TextField
            label={t('form.social.handle')}
            path="content.handle"
            value={draft.handle}
            onValue={(value) => onChange('handle', { handle: value })}
            errorAt={errorAt}
            touch={touch}
            spellCheck={false}
            required
            placeholder={draft.network === 'mastodon' ? 'alice@mastodon.social' : '@cafe.moulin'}
            hint={profileUrl ? t('form.social.opens', { url: profileUrl }) : t('form.social.handleHint')}
          />
        </div>
      ) : (
        <TextField
          label={t('form.social.url')}
          path="content.url"
          value={draft.url}
          onValue={(url) => onChange('url', { url })}
          errorAt={errorAt}
          touch={touch}
          type="url"
          inputMode="url"
          spellCheck={false}
          required
          placeholder="https://example.social/@cafe"
        />
      )}
    </>
  );
}
