import { promisify } from 'node:util';
import { constants, crc32, deflateRaw, gzipSync } from 'node:zlib';

const deflateRawOnThreadPool = promisify(deflateRaw);

/** gzip's member header: deflate, no flags, no time, unknown OS (RFC 1952). */
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0xff]);
/** An empty final block of fixed Huffman codes: it ends a deflate stream whose other blocks are not final. */
const FINAL_EMPTY_BLOCK = Buffer.from([0x03, 0x00]);
const STORED_BLOCK_MAX = 0xffff;
/** What a part's dictionary sees where the gap will be: HTML holds no NUL, so no back-reference reaches it. */
const GAP_FILL = 0;
/** Deflate's window: a dictionary longer than this is never referred to. */
const WINDOW_BYTES = 32 * 1024;

/**
 * A body kept in parts, with a text that differs per answer between every two (a page's CSP nonce), and
 * gzipped once rather than per answer. Deflate blocks may follow one another once each ends on a byte
 * boundary (RFC 1951), which a sync flush ensures: an answer's gzip is each part's deflate output with the
 * text in between as stored blocks, then an empty final block. Each part is compressed with the parts
 * before it as its dictionary, so the body compresses about as well as whole at level 6; the gap's place in
 * that dictionary is NUL bytes, so no back-reference copies the text an answer puts there. That needs the
 * text's length to be the one prepared for: any other length, or a body holding NUL, is gzipped whole.
 */
export class SplicedBody {
  readonly bytes: number;

  private constructor(
    private readonly parts: Buffer[],
    private readonly deflatedParts: Buffer[] | null,
    private readonly gapLength: number,
  ) {
    this.bytes =
      parts.reduce((sum, part) => sum + part.length, 0) +
      (deflatedParts ?? []).reduce((sum, part) => sum + part.length, 0);
  }

  /**
   * `body` cut at each occurrence of `gap`, its parts compressed on the thread pool: a fleet's page took
   * about 15 ms of deflate, which on the event loop held up every other request meanwhile. Each part's
   * dictionary is the parts before it, known from the start, so the parts are compressed all at once.
   */
  static async cut(body: Buffer, gap: Buffer): Promise<SplicedBody> {
    const parts: Buffer[] = [];
    for (let start = 0; ; ) {
      const at = body.indexOf(gap, start);
      parts.push(body.subarray(start, at === -1 ? body.length : at));
      if (at === -1) break;
      start = at + gap.length;
    }
    if (gap.length === 0 || body.includes(GAP_FILL)) return new SplicedBody(parts, null, gap.length);
    const fill = Buffer.alloc(gap.length, GAP_FILL);
    const dictionaries: Buffer[] = [];
    let history = Buffer.alloc(0);
    for (const part of parts) {
      dictionaries.push(history);
      history = Buffer.concat([history, part.subarray(-WINDOW_BYTES), fill]).subarray(-WINDOW_BYTES);
    }
    const deflatedParts = await Promise.all(
      parts.map((part, index) =>
        // The first part's dictionary is empty, which zlib takes as none.
        deflateRawOnThreadPool(part, { finishFlush: constants.Z_SYNC_FLUSH, dictionary: dictionaries[index] }),
      ),
    );
    return new SplicedBody(parts, deflatedParts, gap.length);
  }

  /** The body with `gap` between every two parts. */
  join(gap: Buffer): Buffer {
    return Buffer.concat(this.parts.flatMap((part, index) => (index === 0 ? [part] : [gap, part])));
  }

  /** The same as gzip: spliced from the parts compressed once when it can be, else compressed whole. */
  gzip(gap: Buffer): Buffer {
    if (this.deflatedParts === null || gap.length !== this.gapLength) return gzipSync(this.join(gap), { level: 1 });
    const chunks: Buffer[] = [GZIP_HEADER];
    let crc = 0;
    let length = 0;
    for (const [index, part] of this.parts.entries()) {
      if (index > 0) {
        chunks.push(...storedBlocks(gap));
        crc = crc32(gap, crc);
        length += gap.length;
      }
      chunks.push(this.deflatedParts[index]);
      crc = crc32(part, crc);
      length += part.length;
    }
    const trailer = Buffer.alloc(8);
    trailer.writeUInt32LE(crc >>> 0, 0);
    trailer.writeUInt32LE(length >>> 0, 4);
    chunks.push(FINAL_EMPTY_BLOCK, trailer);
    return Buffer.concat(chunks);
  }
}

/** `data` as non-final stored blocks (each starts on a byte boundary, as a sync flush leaves the stream). */
function storedBlocks(data: Buffer): Buffer[] {
  const blocks: Buffer[] = [];
  for (let start = 0; start < data.length; start += STORED_BLOCK_MAX) {
    const piece = data.subarray(start, start + STORED_BLOCK_MAX);
    const head = Buffer.alloc(5);
    head.writeUInt8(0, 0); // BFINAL 0, BTYPE 00 (stored), the rest of the byte padding
    head.writeUInt16LE(piece.length, 1);
    head.writeUInt16LE(~piece.length & 0xffff, 3);
    blocks.push(head, piece);
  }
  return blocks;
}
