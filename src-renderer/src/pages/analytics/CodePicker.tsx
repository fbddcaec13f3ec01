import { ChevronDown, Search } from 'lucide-react';
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { QrCode } from '../../../../src-shared/schemas/qrcodes';
import { qrCodesApi } from '../../api/qrcodes';
import { errorMessage } from '../../state/toasts';

interface Option {
  id: string | null;
  name: string;
  detail: string | null;
}

const SEARCH_DELAY_MS = 200;
const RESULTS = 20;

/**
 * A searchable select of dynamic codes (an ARIA 1.2 combobox over GET /api/v1/qrcodes?q=), with
 * "All codes" first. Arrow keys move, Enter picks, Escape closes and then restores the current name.
 */
export function CodePicker({
  current,
  onChoose,
}: {
  current: { id: string; name: string } | null;
  onChoose(id: string | null): void;
}) {
  const { t } = useTranslation('analytics');
  const id = useId();
  const listId = `${id}-list`;
  const input = useRef<HTMLInputElement>(null);
  const [text, setText] = useState(current?.name ?? '');
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState('');
  const [codes, setCodes] = useState<QrCode[]>([]);
  const [loading, setLoading] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [active, setActive] = useState(0);

  // Show the chosen code's name whenever the choice changes from outside.
  useEffect(() => setText(current?.name ?? ''), [current?.id, current?.name]);

  useEffect(() => {
    if (!open) return;
    const controller = new AbortController();
    setLoading(true);
    const timer = setTimeout(() => {
      qrCodesApi.list({ q: query, kind: 'dynamic', limit: RESULTS }, controller.signal).then(
        (page) => {
          setCodes(page.data);
          // A search puts its best match first in line; an empty one starts at "All codes".
          setActive(query && page.data.length > 0 ? 1 : 0);
          setProblem(null);
          setLoading(false);
        },
        (err: unknown) => {
          if (controller.signal.aborted) return;
          setProblem(errorMessage(err));
          setLoading(false);
        },
      );
    }, SEARCH_DELAY_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [open, query]);

  const options: Option[] = [
    { id: null, name: t('picker.allCodes'), detail: null },
    ...codes.map((c) => ({ id: c.id, name: c.name, detail: c.shortUrl })),
  ];
  const optionId = (i: number) => `${id}-option-${i}`;

  const close = () => {
    setOpen(false);
    setText(current?.name ?? '');
  };
  const choose = (option: Option) => {
    setOpen(false);
    setText(option.id ? option.name : '');
    if (option.id !== (current?.id ?? null)) onChoose(option.id);
  };
  const openList = (q: string) => {
    setQuery(q);
    setActive(0);
    setOpen(true);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    switch (e.key) {
      case 'ArrowDown':
        e.preventDefault();
        if (!open) openList('');
        else setActive((a) => Math.min(options.length - 1, a + 1));
        break;
      case 'ArrowUp':
        e.preventDefault();
        if (open) setActive((a) => Math.max(0, a - 1));
        break;
      case 'Home':
        if (open) {
          e.preventDefault();
          setActive(0);
        }
        break;
      case 'End':
        if (open) {
          e.preventDefault();
          setActive(options.length - 1);
        }
        break;
      case 'Enter':
        if (open && options[active]) {
          e.preventDefault();
          choose(options[active]);
        }
        break;
      case 'Escape':
        if (open) {
          e.preventDefault();
          close();
        } else if (text !== (current?.name ?? '')) {
          e.preventDefault();
          setText(current?.name ?? '');
        }
        break;
    }
  };

  const status = loading
    ? t('picker.searching')
    : problem
      ? problem
      : codes.length === 0
        ? query
          ? t('picker.noMatch', { query })
          : t('picker.noCodes')
        : t('picker.results', { count: codes.length });

  return (
    <div className="analytics-picker">
      <label htmlFor={`${id}-input`}>{t('picker.label')}</label>
      <div className="analytics-picker-control">
        <Search className="analytics-picker-icon" size={16} aria-hidden="true" />
        <input
          ref={input}
          id={`${id}-input`}
          type="text"
          role="combobox"
          aria-expanded={open}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={open && options[active] ? optionId(active) : undefined}
          aria-describedby={`${id}-hint`}
          autoComplete="off"
          spellCheck={false}
          placeholder={t('picker.placeholder')}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            openList(e.target.value);
          }}
          onClick={() => {
            if (!open) openList('');
          }}
          onBlur={close}
          onKeyDown={onKeyDown}
        />
        <button
          type="button"
          className="icon-button analytics-picker-toggle"
          tabIndex={-1}
          aria-label={t('picker.showAll')}
          onMouseDown={(e) => e.preventDefault()}
          onClick={() => {
            if (open) close();
            else {
              openList('');
              input.current?.focus();
            }
          }}
        >
          <ChevronDown size={16} aria-hidden="true" />
        </button>
        <div className="analytics-picker-popup" hidden={!open}>
          <ul id={listId} role="listbox" aria-label={t('picker.label')}>
            {options.map((o, i) => (
              <li
                key={o.id ?? 'all'}
                id={optionId(i)}
                role="option"
                aria-selected={i === active}
                className={`analytics-picker-option${i === active ? ' active' : ''}${
                  o.id === (current?.id ?? null) ? ' current' : ''
                }`}
                onMouseDown={(e) => e.preventDefault()}
                onMouseMove={() => setActive(i)}
                onClick={() => choose(o)}
              >
                <span className="analytics-picker-name">{o.name}</span>
                {o.detail && <span className="analytics-picker-detail">{o.detail}</span>}
              </li>
            ))}
          </ul>
          <p className="analytics-picker-status" role="status">
            {open ? status : ''}
          </p>
        </div>
      </div>
      <p id={`${id}-hint`} className="visually-hidden">
        {t('picker.hint')}
      </p>
    </div>
  );
}
