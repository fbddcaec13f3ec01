import {
  AtSign,
  CalendarDays,
  Contact,
  Euro,
  Link,
  Mail,
  MapPin,
  MessageCircle,
  MessageSquare,
  Phone,
  Type,
  Wifi,
  type LucideIcon,
} from 'lucide-react';
import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import { QR_TYPES, type QrType } from '../../../../src-shared/schemas/content';

export const TYPE_ICONS: Record<QrType, LucideIcon> = {
  url: Link,
  text: Type,
  wifi: Wifi,
  vcard: Contact,
  email: Mail,
  phone: Phone,
  sms: MessageSquare,
  whatsapp: MessageCircle,
  geo: MapPin,
  event: CalendarDays,
  payment: Euro,
  social: AtSign,
};

/** The twelve content types as a radio group of tiles (arrow keys move between them). */
export const TypePicker = memo(function TypePicker({
  value,
  onChange,
}: {
  value: QrType;
  onChange(type: QrType): void;
}) {
  const { t } = useTranslation('designer');
  return (
    <fieldset className="designer-types">
      <legend>{t('type.legend')}</legend>
      <div className="designer-type-grid">
        {QR_TYPES.map((type) => {
          const Icon = TYPE_ICONS[type];
          return (
            <label key={type} className="designer-type" data-type={type}>
              <input
                type="radio"
                name="designer-type"
                value={type}
                checked={value === type}
                onChange={() => onChange(type)}
                aria-describedby={`designer-type-${type}-desc`}
              />
              <Icon size={20} aria-hidden="true" className="designer-type-icon" />
              <span className="designer-type-text">
                <span className="designer-type-label">{t(`types.${type}.label`)}</span>
                <span className="designer-type-desc" id={`designer-type-${type}-desc`}>
                  {t(`types.${type}.description`)}
                </span>
              </span>
            </label>
          );
        })}
      </div>
    </fieldset>
  );
});
