import type { Request } from 'express';
import busboy from 'busboy';
import { HttpError } from './directline-http';

/**
 * The body of a Direct Line upload, read with busboy: multipart/form-data whose part named
 * `activity` is the message (JSON, sent by clients as a field or as a file part of type
 * application/vnd.microsoft.activity) and whose other file parts are the attachments.
 */

export interface UploadedFile {
  /** The file's name as the client gave it (may be empty). */
  filename: string;
  bytes: Buffer;
}

export interface Upload {
  files: UploadedFile[];
  /** The `activity` part's text, not yet parsed. */
  activity?: string;
}

export interface UploadLimits {
  /** Per file; one byte more and the whole upload is refused (413). */
  fileBytes: number;
  files: number;
  activityBytes: number;
}

const tooLarge = (what: string) => new HttpError(413, 'too_large', what);
const malformed = () => new HttpError(400, 'bad_request', 'The multipart body is malformed');

/**
 * Reads the whole upload into memory, within the limits. A refused upload is read to its end
 * before the error is thrown, so that the client, still sending, gets the answer.
 */
export function readUpload(req: Request, limits: UploadLimits): Promise<Upload> {
  const hard = limits.files * limits.fileBytes + limits.activityBytes + 64 * 1024;
  // Larger than everything allowed together: refused before reading anything.
  if (Number(req.get('content-length') ?? 0) > hard) {
    return Promise.reject(tooLarge(`The upload is too large (at most ${limits.files} pictures of ${limits.fileBytes} bytes)`));
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      // One byte over the limits below, so that a part over them is seen to be (busboy stops at its own).
      limits: { fileSize: Math.max(limits.fileBytes, limits.activityBytes) + 1, files: limits.files + 1, fields: 4, parts: limits.files + 5, fieldSize: limits.activityBytes },
    });
  } catch {
    return Promise.reject(new HttpError(400, 'bad_request', 'An upload is a multipart/form-data body (pictures, and an optional "activity" part)'));
  }
  return new Promise<Upload>((resolve, reject) => {
    const upload: Upload = { files: [] };
    let failure: HttpError | undefined;
    const fail = (err: HttpError) => (failure ??= err);
    parser.on('file', (name, stream, info) => {
      const isActivity = name === 'activity';
      const max = isActivity ? limits.activityBytes : limits.fileBytes;
      const chunks: Buffer[] = [];
      let size = 0;
      // Every part is read to its end, kept or not: busboy waits for it.
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > max) fail(tooLarge(isActivity ? 'The activity part is too large' : `A picture is larger than ${limits.fileBytes} bytes`));
        else if (!failure) chunks.push(chunk);
      });
      // A body cut short ends the part with an error, and busboy's own follows.
      stream.on('error', () => fail(malformed()));
      stream.on('end', () => {
        if (failure) return;
        if (isActivity) upload.activity = Buffer.concat(chunks).toString('utf8');
        else if (upload.files.length >= limits.files) fail(tooLarge(`At most ${limits.files} pictures per upload`));
        else upload.files.push({ filename: info.filename ?? '', bytes: Buffer.concat(chunks) });
      });
    });
    parser.on('field', (name, value, info) => {
      if (name !== 'activity') return;
      if (info.valueTruncated) fail(tooLarge('The activity part is too large'));
      else upload.activity = value;
    });
    parser.on('filesLimit', () => fail(tooLarge(`At most ${limits.files} pictures per upload`)));
    parser.on('partsLimit', () => fail(new HttpError(400, 'bad_request', 'Too many parts in the upload')));
    parser.on('fieldsLimit', () => fail(new HttpError(400, 'bad_request', 'Too many fields in the upload')));
    parser.on('error', () => {
      // Whatever else the client sends is read and dropped, so that it gets the answer.
      req.unpipe(parser);
      req.resume();
      reject(failure ?? malformed());
    });
    parser.on('close', () => (failure ? reject(failure) : resolve(upload)));
    req.pipe(parser);
  });
}
