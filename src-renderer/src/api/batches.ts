import type {
  BatchJob,
  BatchPreview,
  BatchPreviewInput,
  BatchProgressEvent,
  BatchSource,
  BatchSourceCreated,
  CreateBatchInputRaw,
} from '../../../src-shared/schemas/batches';
import { apiEvents, apiFile, apiJson } from './http';

/** How the server should read an uploaded CSV; `auto` (or absent) lets it detect. */
export interface UploadOptions {
  encoding?: 'auto' | 'utf-8' | 'windows-1252';
  delimiter?: 'auto' | 'comma' | 'semicolon' | 'tab' | 'pipe';
  header?: 'auto' | 'true' | 'false';
}

/** The preview body as a client sends it (defaults not applied yet). */
export type BatchPreviewRequest = Omit<BatchPreviewInput, 'seq'> & {
  seq?: { start?: number; step?: number; padding?: number };
};

const sources = '/api/v1/batch-sources';
const batches = '/api/v1/batches';
const source = (id: string) => `${sources}/${encodeURIComponent(id)}`;
const batch = (id: string) => `${batches}/${encodeURIComponent(id)}`;

export const batchSourcesApi = {
  /** Uploads a CSV file as multipart/form-data (its name becomes the source's name). */
  upload: (file: File, options: UploadOptions = {}, signal?: AbortSignal) => {
    const form = new FormData();
    form.append('file', file, file.name);
    return apiJson<BatchSourceCreated>('POST', sources, {
      body: form,
      signal,
      query: {
        encoding: options.encoding === 'auto' ? undefined : options.encoding,
        delimiter: options.delimiter === 'auto' ? undefined : options.delimiter,
        header: options.header === 'auto' ? undefined : options.header,
      },
    });
  },
  get: (id: string, signal?: AbortSignal) => apiJson<BatchSource>('GET', source(id), { signal }),
  remove: (id: string) => apiJson<void>('DELETE', source(id)),
};

export type BatchEvent = { type: 'progress'; data: BatchProgressEvent } | { type: 'done'; job: BatchJob };

export const batchesApi = {
  preview: (input: BatchPreviewRequest, signal?: AbortSignal) =>
    apiJson<BatchPreview>('POST', `${batches}/preview`, { body: input, signal }),
  create: (input: CreateBatchInputRaw) => apiJson<BatchJob>('POST', batches, { body: input }),
  list: (cursor?: string | null, signal?: AbortSignal) =>
    apiJson<{ data: BatchJob[]; nextCursor: string | null }>('GET', batches, {
      query: { limit: 20, cursor },
      signal,
    }),
  get: (id: string, signal?: AbortSignal) => apiJson<BatchJob>('GET', batch(id), { signal }),
  /** Cancels a queued or running job; deletes a finished one with its result. */
  remove: (id: string) => apiJson<void>('DELETE', batch(id)),
  download: (id: string) => apiFile('GET', `${batch(id)}/download`),
  report: (id: string) => apiFile('GET', `${batch(id)}/report.csv`),
  /** Follows a job's server-sent events until its `done` event (or the signal aborts). */
  events: (id: string, onEvent: (event: BatchEvent) => void, signal: AbortSignal) =>
    apiEvents(
      `${batch(id)}/events`,
      (name, data) => {
        if (name === 'progress') onEvent({ type: 'progress', data: data as BatchProgressEvent });
        else if (name === 'done') onEvent({ type: 'done', job: data as BatchJob });
      },
      signal,
    ),
};
