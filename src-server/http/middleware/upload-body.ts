import Busboy from 'busboy';
import getRawBody from 'raw-body';
import typeis from 'type-is';
import { AppError } from '../../errors';
import type { AppContext } from '../context';
import type { Upload } from '../route';

/** Room for multipart boundaries and part headers on top of the file itself. */
const MULTIPART_OVERHEAD = 64 * 1024;

const tooLarge = (maxBytes: number) =>
  new AppError('PAYLOAD_TOO_LARGE', `The file is over ${Math.round(maxBytes / 1024)} KB (${maxBytes} bytes).`);

const missingFile = () =>
  new AppError('VALIDATION_ERROR', 'Send the file as the request body, or as the "file" part of multipart/form-data.', [
    { path: 'file', message: 'Required' },
  ]);

function readMultipart(ctx: AppContext, maxBytes: number): Promise<Upload> {
  return new Promise((resolve, reject) => {
    let parser: Busboy.Busboy;
    try {
      // Browsers send file names as raw UTF-8; busboy would read them as Latin-1.
      parser = Busboy({
        headers: ctx.req.headers,
        defParamCharset: 'utf8',
        limits: { files: 1, fileSize: maxBytes, fields: 20, parts: 21 },
      });
    } catch {
      reject(new AppError('INVALID_BODY', 'The multipart body has no boundary.'));
      return;
    }
    let upload: Upload | null = null;
    let failure: AppError | null = null;
    const fail = (err: AppError) => {
      if (failure) return;
      failure = err;
      // Answer at once rather than after the rest of the body (a client may stream a gigabyte): the
      // rest is not read, and the connection is closed after the answer (unreadBody in base-app).
      ctx.req.unpipe(parser);
      reject(err);
    };
    parser.on('file', (name, stream, info) => {
      if (name !== 'file') {
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => fail(tooLarge(maxBytes)));
      stream.on('close', () => {
        if (failure) return;
        upload = {
          bytes: Buffer.concat(chunks),
          filename: info.filename || null,
          declaredType: info.mimeType || null,
        };
      });
    });
    parser.on('filesLimit', () => fail(new AppError('VALIDATION_ERROR', 'Send one file at a time.')));
    parser.on('error', () => fail(new AppError('INVALID_BODY', 'The multipart body could not be parsed.')));
    const finish = () => {
      if (failure) reject(failure);
      else if (!upload || upload.bytes.length === 0) reject(missingFile());
      else resolve(upload);
    };
    parser.on('close', finish);
    ctx.req.on('aborted', () => fail(new AppError('INVALID_BODY', 'The request body could not be read completely.')));
    ctx.req.pipe(parser);
  });
}

/**
 * Reads an uploaded file: multipart/form-data (the `file` part, as a browser
 * form sends it) or the raw body with any non-JSON content type (as curl
 * `--data-binary` sends it). Over `maxBytes` is 413, checked against
 * Content-Length before reading where it is given.
 */
export async function readUpload(ctx: AppContext, maxBytes: number): Promise<Upload> {
  const length = ctx.req.headers['content-length'];
  const isMultipart = typeis(ctx.req, ['multipart/form-data']) === 'multipart/form-data';
  if (length !== undefined && Number(length) > maxBytes + (isMultipart ? MULTIPART_OVERHEAD : 0)) {
    throw tooLarge(maxBytes);
  }
  if (isMultipart) return readMultipart(ctx, maxBytes);
  if (typeis(ctx.req, ['application/json', '+json', 'application/x-www-form-urlencoded'])) {
    throw new AppError(
      'UNSUPPORTED_MEDIA_TYPE',
      'Upload the file itself (e.g. "Content-Type: image/png") or as multipart/form-data, not JSON or a form.',
    );
  }
  let bytes: Buffer;
  try {
    bytes = await getRawBody(ctx.req, { limit: maxBytes, length: length === undefined ? undefined : Number(length) });
  } catch (err) {
    if ((err as { type?: string }).type === 'entity.too.large') throw tooLarge(maxBytes);
    throw new AppError('INVALID_BODY', 'The request body could not be read completely.');
  }
  if (bytes.length === 0) throw missingFile();
  return { bytes, filename: null, declaredType: ctx.get('content-type') || null };
}
