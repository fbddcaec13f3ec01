import * as Flags from 'country-flag-icons/react/3x2';
import { geoEqualEarth, geoPath } from 'd3-geo';
import { numericToAlpha2 } from 'i18n-iso-countries';
import { Globe } from 'lucide-react';
import { useMemo, useState, type JSX, type SVGProps } from 'react';
import { useTranslation } from 'react-i18next';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import world from 'world-atlas/countries-110m.json';
import { formatNumber } from '../../utils/format';
import { ChartPanel } from './ChartPanel';
import { mixColor, useChartTheme, type ChartTheme } from './chartTheme';
import { dimensionLabel, formatPercent } from './labels';
import type { Bucket } from './BreakdownChart';

const MAP_WIDTH = 960;
const MAP_HEIGHT = 430;
/** Rows of the country table before "Show all". */
const TABLE_ROWS = 8;

interface Shape {
  /** ISO 3166-1 alpha-2, or null for the few shapes with no code of their own. */
  code: string | null;
  d: string;
}

let shapes: Shape[] | null = null;

/** The countries of Natural Earth 1:110m, projected once (Equal Earth, Antarctica left out). */
function worldShapes(): Shape[] {
  if (shapes) return shapes;
  const topology = world as unknown as Topology<{ countries: GeometryCollection<{ name: string }> }>;
  const land = feature(topology, topology.objects.countries).features.filter((f) => f.id !== '010');
  const projection = geoEqualEarth().fitSize([MAP_WIDTH, MAP_HEIGHT], { type: 'FeatureCollection', features: land });
  const path = geoPath(projection);
  shapes = land.map((f) => ({
    // Kosovo has no ISO numeric code; the geo database reports it as XK.
    code: f.id !== undefined ? (numericToAlpha2(String(f.id)) ?? null) : f.properties?.name === 'Kosovo' ? 'XK' : null,
    d: path(f) ?? '',
  }));
  return shapes;
}

/** The fill for a country's scans: from a light tint for the fewest to the accent for the most. */
function fillFor(theme: ChartTheme, scans: number, max: number): string {
  if (scans <= 0 || max <= 0) return theme.surface2;
  return mixColor(theme.accentSoft, theme.accent, 0.25 + 0.75 * Math.sqrt(scans / max));
}

type FlagComponent = (props: SVGProps<SVGSVGElement>) => JSX.Element;
const FLAGS = Flags as unknown as Record<string, FlagComponent | undefined>;

/** A decorative flag (the country's name is next to it), or a globe for unknown places. */
function CountryFlag({ code }: { code: string | null }) {
  const Flag = code ? FLAGS[code.toUpperCase()] : undefined;
  if (!Flag) return <Globe className="analytics-flag analytics-flag-unknown" size={16} aria-hidden="true" />;
  return <Flag className="analytics-flag" aria-hidden="true" focusable="false" />;
}

/**
 * A choropleth of scans by country. Decorative for assistive technology: the table next to it
 * carries the same numbers.
 */
function WorldMap({ byCountry }: { byCountry: Bucket[] }) {
  const { t } = useTranslation('analytics');
  const theme = useChartTheme();
  const counts = useMemo(() => new Map(byCountry.map((b) => [b.value, b.scans])), [byCountry]);
  const max = Math.max(0, ...byCountry.filter((b) => b.value !== null).map((b) => b.scans));
  return (
    <div className="analytics-map">
      <svg
        viewBox={`0 0 ${MAP_WIDTH} ${MAP_HEIGHT}`}
        aria-hidden="true"
        focusable="false"
        data-testid="world-map"
        className="analytics-map-svg"
      >
        {worldShapes().map((s, i) => {
          const scans = s.code ? (counts.get(s.code) ?? 0) : 0;
          const name = s.code ? dimensionLabel('country', s.code, t) : '';
          return (
            <path
              key={s.code ?? `shape-${i}`}
              d={s.d}
              fill={fillFor(theme, scans, max)}
              stroke={theme.border}
              strokeWidth={0.5}
              data-country={s.code ?? undefined}
              data-scans={scans}
            >
              {name && (
                <title>{t('map.countryScans', { country: name, count: scans, scans: formatNumber(scans) })}</title>
              )}
            </path>
          );
        })}
      </svg>
      <div className="analytics-map-legend" aria-hidden="true">
        <span className="analytics-map-legend-none">
          <span className="analytics-map-key" style={{ background: theme.surface2, borderColor: theme.border }} />
          {t('map.none')}
        </span>
        {max === 1 && (
          <span className="analytics-map-legend-none">
            <span className="analytics-map-key" style={{ background: theme.accent, borderColor: theme.accent }} />
            {t('map.scans', { count: 1, scans: formatNumber(1) })}
          </span>
        )}
        {max > 1 && (
          <span className="analytics-map-legend-scale">
            <span>{formatNumber(1)}</span>
            <span
              className="analytics-map-gradient"
              style={{ background: `linear-gradient(to right, ${fillFor(theme, 1, max)}, ${theme.accent})` }}
            />
            <span>{t('map.scans', { count: max, scans: formatNumber(max) })}</span>
          </span>
        )}
      </div>
    </div>
  );
}

/** Scans by country: the world map and the table with flags, names in the UI language and shares. */
export function CountriesPanel({ byCountry, total }: { byCountry: Bucket[]; total: number }) {
  const { t } = useTranslation('analytics');
  const [showAll, setShowAll] = useState(false);
  const rows = byCountry.filter((b) => b.scans > 0);
  const shown = showAll ? rows : rows.slice(0, TABLE_ROWS);
  const known = rows.filter((b) => b.value !== null).length;
  return (
    <ChartPanel
      title={t('countries.title')}
      description={t('countries.description', { count: known, countries: formatNumber(known) })}
      className="analytics-countries"
      testId="countries"
    >
      <div className="analytics-countries-body">
        <WorldMap byCountry={byCountry} />
        <div className="analytics-countries-table">
          {rows.length === 0 ? (
            <p className="muted analytics-no-data">{t('noDataShort')}</p>
          ) : (
            <table>
              <caption className="visually-hidden">{t('countries.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('countries.country')}</th>
                  <th scope="col" className="analytics-num">
                    {t('kpi.scans')}
                  </th>
                  <th scope="col" className="analytics-num">
                    {t('table.share')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {shown.map((b) => {
                  const share = total > 0 ? b.scans / total : 0;
                  return (
                    <tr key={b.value ?? 'unknown'}>
                      <th scope="row" className="analytics-country-name">
                        <CountryFlag code={b.value} />
                        <span>{dimensionLabel('country', b.value, t)}</span>
                      </th>
                      <td className="analytics-num">{formatNumber(b.scans)}</td>
                      <td className="analytics-num analytics-share">
                        <span className="analytics-share-bar" aria-hidden="true">
                          <span style={{ width: `${Math.max(2, share * 100)}%` }} />
                        </span>
                        {formatPercent(share)}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
          {rows.length > TABLE_ROWS && (
            <button type="button" className="analytics-link-button" onClick={() => setShowAll(!showAll)}>
              {showAll ? t('countries.showFewer') : t('countries.showAll', { count: rows.length })}
            </button>
          )}
        </div>
      </div>
    </ChartPanel>
  );
}
