import { create } from 'zustand';
import type { BarcodeFormat } from '../../../../src-shared/barcodes';
import type { BatchFormat, BatchJob, BatchPreview, BatchSourceCreated } from '../../../../src-shared/schemas/batches';
import type { QrType } from '../../../../src-shared/schemas/content';
import {
  DEFAULT_DESIGN,
  type CORNER_DOT_STYLES,
  type CORNER_SQUARE_STYLES,
  type Design,
  type DOT_STYLES,
  type ERROR_CORRECTION_LEVELS,
} from '../../../../src-shared/schemas/design';
import type { CaptionPosition, SheetTemplateId } from '../../../../src-shared/schemas/sheets';
import type { UploadOptions } from '../../api/batches';
import { ApiError } from '../../api/http';
import {
  CAPTION_HINTS,
  CONTENT_FIELDS,
  guessColumn,
  NAME_HINTS,
  VALUE_HINTS,
  type DesignOverrideField,
} from './fields';

/**
 * The batch wizard's state: the uploaded source, the mapping, the outputs,
 * the last preview and the job it started. Module-level, so leaving the page
 * and coming back keeps the work (and the job being followed).
 */

export const STEPS = ['upload', 'mapping', 'preview', 'outputs', 'run'] as const;
export type StepId = (typeof STEPS)[number];

export type ValueMode = 'none' | 'column' | 'const' | 'template';

/** Where one value comes from, as the form holds it: a column (0-based), fixed text or a template. */
export interface ValueSpec {
  mode: ValueMode;
  column: number;
  text: string;
}

export const NONE: ValueSpec = { mode: 'none', column: 0, text: '' };
export const columnSpec = (column: number): ValueSpec => ({ mode: 'column', column, text: '' });

export interface DesignOverride {
  id: number;
  field: DesignOverrideField;
  column: number;
}

export interface MappingForm {
  mode: 'qr' | 'barcode';
  type: QrType;
  barcodeFormat: BarcodeFormat;
  upcAsEan13: boolean;
  kind: 'static' | 'dynamic';
  /** By field path ('' for url, text and phone). */
  content: Record<string, ValueSpec>;
  value: ValueSpec;
  name: ValueSpec;
  caption: ValueSpec;
  fileNamePattern: string;
  designOverrides: DesignOverride[];
  seqStart: string;
  seqStep: string;
  seqPadding: string;
}

export interface CustomGridForm {
  page: 'A4' | 'Letter' | 'custom';
  pageWidthMm: string;
  pageHeightMm: string;
  columns: string;
  rows: string;
  labelWidthMm: string;
  labelHeightMm: string;
  marginTopMm: string;
  marginLeftMm: string;
  gapXMm: string;
  gapYMm: string;
  cornerRadiusMm: string;
}

export interface OutputsForm {
  formats: BatchFormat[];
  sizeMode: 'px' | 'mm';
  size: string;
  mm: string;
  dpi: string;
  colorSpace: 'rgb' | 'cmyk';
  sheet: boolean;
  template: SheetTemplateId | 'custom';
  custom: CustomGridForm;
  caption: CaptionPosition;
  captionSizeMm: string;
  cropMarks: boolean;
  bleedMm: string;
  startPosition: string;
  outlines: boolean;
  paddingMm: string;
  codeSizeMm: string;
  sheetColorSpace: 'rgb' | 'cmyk';
  title: string;
  verify: boolean;
}

export interface DesignForm {
  foregroundColor: string;
  backgroundColor: string;
  dotStyle: (typeof DOT_STYLES)[number];
  cornerSquareStyle: (typeof CORNER_SQUARE_STYLES)[number];
  cornerDotStyle: (typeof CORNER_DOT_STYLES)[number];
  errorCorrection: (typeof ERROR_CORRECTION_LEVELS)[number];
  margin: string;
  /** A saved code's whole design, used instead of the fields above. */
  saved: { id: string; name: string; design: Design } | null;
}

export interface BarcodeStyleForm {
  barColor: string;
  backgroundColor: string;
  showText: boolean;
}

/** A problem found before asking the server: the field path and an i18n key under `batch:checks` (or a message from a shared schema). */
export interface LocalProblem {
  path: string;
  key: string;
  message?: string;
}

export interface StepError {
  step: StepId;
  error: unknown;
}

export const defaultMapping = (): MappingForm => ({
  mode: 'qr',
  type: 'url',
  barcodeFormat: 'EAN13',
  upcAsEan13: false,
  kind: 'static',
  content: {},
  value: NONE,
  name: NONE,
  caption: NONE,
  fileNamePattern: '{seq:05}',
  designOverrides: [],
  seqStart: '1',
  seqStep: '1',
  seqPadding: '0',
});

export const defaultOutputs = (): OutputsForm => ({
  formats: ['png'],
  sizeMode: 'px',
  size: '512',
  mm: '30',
  dpi: '300',
  colorSpace: 'rgb',
  sheet: false,
  template: 'avery-l7160',
  custom: {
    page: 'A4',
    pageWidthMm: '210',
    pageHeightMm: '297',
    columns: '4',
    rows: '6',
    labelWidthMm: '48',
    labelHeightMm: '45',
    marginTopMm: '13.5',
    marginLeftMm: '9',
    gapXMm: '0',
    gapYMm: '0',
    cornerRadiusMm: '0',
  },
  caption: 'below',
  captionSizeMm: '',
  cropMarks: false,
  bleedMm: '0',
  startPosition: '1',
  outlines: false,
  paddingMm: '1.5',
  codeSizeMm: '',
  sheetColorSpace: 'rgb',
  title: '',
  verify: true,
});

export const defaultDesign = (): DesignForm => ({
  foregroundColor: DEFAULT_DESIGN.foregroundColor,
  backgroundColor: DEFAULT_DESIGN.backgroundColor,
  dotStyle: DEFAULT_DESIGN.dotStyle,
  cornerSquareStyle: DEFAULT_DESIGN.cornerSquareStyle,
  cornerDotStyle: DEFAULT_DESIGN.cornerDotStyle,
  errorCorrection: DEFAULT_DESIGN.errorCorrection,
  margin: String(DEFAULT_DESIGN.margin),
  saved: null,
});

export const defaultBarcodeStyle = (): BarcodeStyleForm => ({
  barColor: '#000000',
  backgroundColor: '#FFFFFF',
  showText: true,
});

/** A first mapping from the headers: content, value, name and caption columns by their usual names. */
export function guessMapping(current: MappingForm, headers: readonly string[] | null): MappingForm {
  const taken = new Set<number>();
  const pick = (hints: readonly string[]): ValueSpec => {
    const index = guessColumn(headers, hints, taken);
    if (index < 0) return NONE;
    taken.add(index);
    return columnSpec(index);
  };
  const content: Record<string, ValueSpec> = {};
  for (const field of CONTENT_FIELDS[current.type]) {
    const spec = pick(field.hints);
    if (spec.mode !== 'none') content[field.path] = spec;
  }
  const value = current.mode === 'barcode' ? pick(VALUE_HINTS) : NONE;
  return { ...current, content, value, name: pick(NAME_HINTS), caption: pick(CAPTION_HINTS), designOverrides: [] };
}

interface BatchWizard {
  step: StepId;
  file: File | null;
  readOptions: Required<UploadOptions>;
  source: BatchSourceCreated | null;
  mapping: MappingForm;
  outputs: OutputsForm;
  design: DesignForm;
  barcodeStyle: BarcodeStyleForm;
  preview: BatchPreview | null;
  /** The mapping the preview was made for (see mappingKey): a later change makes it stale. */
  previewFor: string | null;
  /** The base design the preview's rows were drawn with. */
  previewDesign: string | null;
  job: BatchJob | null;
  error: StepError | null;
  local: LocalProblem[];
  /** Bumped when a job starts, ends or is removed, so the recent list reloads. */
  jobsVersion: number;
}

const initial = (): BatchWizard => ({
  step: 'upload',
  file: null,
  readOptions: { encoding: 'auto', delimiter: 'auto', header: 'auto' },
  source: null,
  mapping: defaultMapping(),
  outputs: defaultOutputs(),
  design: defaultDesign(),
  barcodeStyle: defaultBarcodeStyle(),
  preview: null,
  previewFor: null,
  previewDesign: null,
  job: null,
  error: null,
  local: [],
  jobsVersion: 0,
});

export const useBatchWizard = create<BatchWizard>()(() => initial());

/** Set when the user moves to another step: the new step's heading then takes focus. */
export const stepFocus = { pending: false };

export const wizard = {
  get: () => useBatchWizard.getState(),
  goTo: (step: StepId) => {
    stepFocus.pending = true;
    useBatchWizard.setState({ step });
  },
  setMapping: (patch: Partial<MappingForm>) =>
    useBatchWizard.setState((s) => ({ mapping: { ...s.mapping, ...patch }, local: [] })),
  setOutputs: (patch: Partial<OutputsForm>) =>
    useBatchWizard.setState((s) => ({ outputs: { ...s.outputs, ...patch }, local: [] })),
  setCustomGrid: (patch: Partial<CustomGridForm>) =>
    useBatchWizard.setState((s) => ({ outputs: { ...s.outputs, custom: { ...s.outputs.custom, ...patch } } })),
  setDesign: (patch: Partial<DesignForm>) => useBatchWizard.setState((s) => ({ design: { ...s.design, ...patch } })),
  setBarcodeStyle: (patch: Partial<BarcodeStyleForm>) =>
    useBatchWizard.setState((s) => ({ barcodeStyle: { ...s.barcodeStyle, ...patch } })),
  setError: (step: StepId, error: unknown) => useBatchWizard.setState({ error: { step, error } }),
  setLocal: (local: LocalProblem[]) => useBatchWizard.setState({ local }),
  clearError: () => useBatchWizard.setState({ error: null, local: [] }),
  bumpJobs: () => useBatchWizard.setState((s) => ({ jobsVersion: s.jobsVersion + 1 })),
  /** A new source: the mapping is guessed again from its headers (when the columns changed). */
  setSource: (file: File, source: BatchSourceCreated) =>
    useBatchWizard.setState((s) => {
      const sameColumns = JSON.stringify(s.source?.headers) === JSON.stringify(source.headers) && s.source !== null;
      return {
        file,
        source,
        mapping: sameColumns ? s.mapping : guessMapping(s.mapping, source.headers),
        preview: null,
        previewFor: null,
        error: null,
        local: [],
      };
    }),
  /** Back to an empty wizard; the recent list and its version stay. */
  reset: () => useBatchWizard.setState((s) => ({ ...initial(), jobsVersion: s.jobsVersion + 1 })),
};

/** The message for a field: a local check (translated by the caller) or the API's detail for that path or below it. */
export function apiFieldError(error: StepError | null, path: string, exact = false): string | undefined {
  if (!(error?.error instanceof ApiError)) return undefined;
  const detail = error.error.details.find((d) => d.path === path || (!exact && d.path.startsWith(`${path}.`)));
  return detail?.message;
}
