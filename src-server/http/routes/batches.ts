import fs from 'node:fs';
import { PassThrough } from 'node:stream';
import { z } from 'zod';
import {
  BATCH_INLINE_MAX,
  BatchJob,
  BatchJobPage,
  BatchPreview,
  BatchPreviewInput,
  BatchSource,
  BatchSourceCreated,
  CreateBatchInput,
  CSV_MAX_BYTES,
  CSV_MAX_ROWS,
  UploadBatchSourceQuery,
} from '../../../src-shared/schemas/batches';
import { IdParams, PageQuery } from '../../../src-shared/schemas/common';
import type { BatchSourceService } from '../../services/batch-sources';
import type { BatchService } from '../../services/batches';
import { defineRoute, type Route } from '../route';

const TAG = 'Batches';
/** A comment line every so often keeps proxies and idle timers from closing a quiet event stream. */
export const SSE_HEARTBEAT_MS = 15_000;

const Binary = z.string().meta({ format: 'binary' });
const EventStream = z.string().meta({
  description:
    'Server-sent events: `event: progress` with data `{"processed", "failed", "total", "eta"}` (at most 4 a second), ' +
    'then one `event: done` with the final BatchJob as data, after which the stream ends. A finished job sends ' +
    '`done` at once. Comment lines (`: heartbeat`) every 15 s keep the connection alive.',
});
const ReportCsv = z.string().meta({
  description:
    'One line per problem: row, line, column, columnIndex, field, message. Cells that a spreadsheet would run as a ' +
    'formula (starting with =, +, -, @) get a leading apostrophe.',
});

export function batchRoutes(sources: BatchSourceService, jobs: BatchService): Route[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/v1/batch-sources',
      operationId: 'uploadBatchSource',
      summary: 'Upload a CSV file for a batch',
      description:
        `A CSV of up to ${CSV_MAX_ROWS.toLocaleString('en-US')} data rows and ${CSV_MAX_BYTES / 1024 / 1024} MB. The ` +
        'encoding (UTF-8, UTF-8 with BOM, UTF-16 with BOM, else Windows-1252), delimiter (`, ; tab |`) and header ' +
        'row are detected unless given. Cells are read verbatim (a leading `=`, `+`, `-` or `@` is data). Rows with ' +
        'the wrong number of cells are listed in `problems`, never padded. Empty files, binary files (XLSX, UTF-16 ' +
        'without BOM, anything with NUL bytes) and unreadable CSV are refused with nothing stored.',
      tag: TAG,
      auth: 'write',
      query: UploadBatchSourceQuery,
      upload: {
        maxBytes: CSV_MAX_BYTES,
        description:
          'The CSV file: the raw request body (e.g. `Content-Type: text/csv`), or the `file` part of multipart/form-data.',
      },
      idempotent: true,
      success: { status: 201, description: 'The stored source, with what was detected', schema: BatchSourceCreated },
      errors: ['UNSUPPORTED_MEDIA_TYPE', 'PAYLOAD_TOO_LARGE'],
      handler: async ({ query, upload }) => {
        const source = await sources.create(upload!, query);
        return { status: 201, body: source, headers: { Location: `/api/v1/batch-sources/${source.id}` } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/batch-sources/:id',
      operationId: 'getBatchSource',
      summary: 'Get a batch source',
      description: 'What was detected, the row count and the first rows.',
      tag: TAG,
      auth: 'read',
      params: IdParams,
      success: { status: 200, description: 'The source', schema: BatchSource },
      errors: ['NOT_FOUND'],
      handler: async ({ params }) => ({ body: await sources.get(params.id) }),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/batch-sources/:id',
      operationId: 'deleteBatchSource',
      summary: 'Delete a batch source',
      description: 'Removes the record and the stored file.',
      tag: TAG,
      auth: 'write',
      params: IdParams,
      success: { status: 204, description: 'Deleted' },
      errors: ['NOT_FOUND'],
      handler: ({ params }) => {
        sources.remove(params.id);
        return { status: 204, body: null };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/batches/preview',
      operationId: 'previewBatch',
      summary: 'Check a batch before it runs',
      description:
        'Maps the columns of a source to the content of a QR type (or a barcode value), name, file name, caption ' +
        'and design, and checks every row with the same rules as a single code: the report lists each problem ' +
        'with its row, line and column; the first rows come back as they would be encoded. Nothing is written. ' +
        'Mapping mistakes (unknown columns or fields, bad templates) are a 400 naming each one.',
      tag: TAG,
      auth: 'read',
      body: BatchPreviewInput,
      success: { status: 200, description: 'The validation report and the first rows', schema: BatchPreview },
      errors: ['NOT_FOUND'],
      handler: async ({ body }) => ({ body: await sources.preview(body) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/batches',
      operationId: 'createBatch',
      summary: 'Start a batch export',
      description:
        'Makes a code for every row of a CSV source (with a mapping) or of up to ' +
        `${BATCH_INLINE_MAX.toLocaleString('en-US')} inline items: static codes, or dynamic ones created in the library. ` +
        'Files in SVG, PNG, PDF or EPS named by a pattern (made safe and unique), in one ZIP, and/or a label-sheet ' +
        'PDF; every code is decoded after rendering unless `verify` is false. The request is checked first (mapping, ' +
        'pattern, template, sizes, and that at least one row can be made: else a 400 with the first problems, ' +
        'nothing written); then the job is queued (202) and runs in the background, one at a time. Rows that cannot ' +
        'be made are skipped and listed in the report. Follow it with GET /batches/{id} or its event stream.',
      tag: TAG,
      auth: 'write',
      body: CreateBatchInput,
      idempotent: true,
      success: { status: 202, description: 'Accepted: the queued job', schema: BatchJob },
      errors: ['NOT_FOUND'],
      handler: async ({ body }) => {
        const job = await jobs.create(body);
        return { status: 202, body: job, headers: { Location: `/api/v1/batches/${job.id}` } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/batches',
      operationId: 'listBatches',
      summary: 'List batch jobs',
      description: 'Newest first.',
      tag: TAG,
      auth: 'read',
      query: PageQuery,
      success: { status: 200, description: 'A page of jobs', schema: BatchJobPage },
      errors: ['INVALID_CURSOR'],
      handler: ({ query }) => ({ body: jobs.list(query.limit, query.cursor) }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/batches/:id',
      operationId: 'getBatch',
      summary: 'Get a batch job',
      description: 'Status, progress (processed, failed, total), an estimate of the seconds left, and its links.',
      tag: TAG,
      auth: 'read',
      params: IdParams,
      success: { status: 200, description: 'The job', schema: BatchJob },
      errors: ['NOT_FOUND'],
      handler: ({ params }) => ({ body: jobs.get(params.id) }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/batches/:id/events',
      operationId: 'batchEvents',
      summary: 'Follow a batch job as server-sent events',
      description: 'Progress while the job runs, then the final job; the stream ends after it.',
      tag: TAG,
      auth: 'read',
      params: IdParams,
      success: { status: 200, description: 'The event stream', otherContent: { 'text/event-stream': EventStream } },
      errors: ['NOT_FOUND'],
      handler: ({ params, ctx }) => {
        const stream = new PassThrough();
        const write = (text: string) => {
          if (!stream.destroyed && !stream.writableEnded) stream.write(text);
        };
        let heartbeat: NodeJS.Timeout | undefined;
        let unsubscribe: () => void = () => undefined;
        const end = () => {
          clearInterval(heartbeat);
          unsubscribe();
          if (!stream.writableEnded) stream.end();
        };
        // Throws 404 before anything is sent.
        unsubscribe = jobs.subscribe(params.id, (event) => {
          if (event.type === 'progress') {
            write(`event: progress\ndata: ${JSON.stringify(event.data)}\n\n`);
          } else {
            write(`event: done\ndata: ${JSON.stringify(event.job)}\n\n`);
            end();
          }
        });
        if (!stream.writableEnded) {
          heartbeat = setInterval(() => write(': heartbeat\n\n'), SSE_HEARTBEAT_MS);
          heartbeat.unref();
        }
        // The client left: stop listening.
        stream.on('close', end);
        ctx.req.socket.setTimeout(0);
        ctx.req.socket.setNoDelay(true);
        return {
          body: stream,
          headers: {
            'Content-Type': 'text/event-stream; charset=utf-8',
            'Cache-Control': 'no-store',
            'X-Accel-Buffering': 'no',
          },
        };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/batches/:id',
      operationId: 'deleteBatch',
      summary: 'Cancel or delete a batch job',
      description:
        'A queued or running job is cancelled: it stops, its partial output is removed and it stays listed as ' +
        '`cancelled` (answered once it has stopped). A finished job is deleted with its result and report.',
      tag: TAG,
      auth: 'write',
      params: IdParams,
      success: { status: 204, description: 'Cancelled or deleted' },
      errors: ['NOT_FOUND'],
      handler: async ({ params }) => {
        await jobs.remove(params.id);
        return { status: 204, body: null };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/batches/:id/download',
      operationId: 'downloadBatch',
      summary: 'Download the result of a batch job',
      description:
        'The ZIP (files, and the label sheet as labels.pdf when asked) or the label-sheet PDF. 409 until the job ' +
        'has completed, and for a cancelled, failed or interrupted job: a partial result is never served.',
      tag: TAG,
      auth: 'read',
      params: IdParams,
      success: {
        status: 200,
        description: 'The result',
        otherContent: { 'application/zip': Binary, 'application/pdf': Binary },
      },
      errors: ['NOT_FOUND', 'CONFLICT'],
      handler: ({ params }) => {
        const result = jobs.download(params.id);
        return {
          body: fs.createReadStream(result.file),
          headers: {
            'Content-Type': result.mediaType,
            'Content-Length': String(result.size),
            'Content-Disposition': `attachment; filename="${result.fileName}"`,
            'Cache-Control': 'no-store',
          },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/batches/:id/report.csv',
      operationId: 'batchReport',
      summary: 'The failed rows of a batch job, as CSV',
      description:
        'Every row the job could not make, with its line, column and why: invalid content, a render or ' +
        'verification failure. Only a header line when none failed. Formula-safe for spreadsheets.',
      tag: TAG,
      auth: 'read',
      params: IdParams,
      success: { status: 200, description: 'The report', otherContent: { 'text/csv': ReportCsv } },
      errors: ['NOT_FOUND'],
      handler: ({ params }) => ({
        body: jobs.report(params.id),
        headers: {
          'Content-Type': 'text/csv; charset=utf-8',
          'Content-Disposition': `attachment; filename="qrdesk-${params.id.replace(/[^A-Za-z0-9_-]/g, '_')}-report.csv"`,
          'Cache-Control': 'no-store',
        },
      }),
    }),
  ];
}
