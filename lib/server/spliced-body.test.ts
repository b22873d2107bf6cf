import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SplicedBody } from './spliced-body';

const RENDERED = 'NzI5YTNiNTQtOTM4OS00OTQwLTk3NzMtMDQzY2Y2ZWVkNGY4';
const ANSWER = 'OGIzZTBjNzQtN2MyYS00NTE4LWFlNDItY2MwY2I2ZDlhNzA2';
// Rows that repeat, and the nonce after each: a part's dictionary is full of text it would copy from.
const rows = Array.from(
  { length: 400 },
  (_, i) => `<tr data-cell="svc-${i % 7}:profiling"><td>Matrix ✓ ${i % 5}</td></tr>`,
);
const script = (nonce: string, text: string) => `<script nonce="${nonce}">${text}</script>`;
const html = (nonce: string) =>
  `<!DOCTYPE html>${script(nonce, 'a')}${rows.join('')}${script(nonce, 'b')}${rows.join('')}<script nonce="${nonce}">`;
const cut = async (nonce = RENDERED) => SplicedBody.cut(Buffer.from(html(nonce)), Buffer.from(nonce));

describe('a body served again with another nonce', () => {
  it('joins its parts with the answer’s nonce in place of the render’s', async () => {
    expect((await cut()).join(Buffer.from(ANSWER)).toString()).toBe(html(ANSWER));
  });

  it('gzips to exactly that body, spliced from parts compressed once (the nonce goes in as it is)', async () => {
    const gzipped = (await cut()).gzip(Buffer.from(ANSWER));
    expect(gunzipSync(gzipped).toString()).toBe(html(ANSWER));
    // Stored, not compressed: the answer's nonce is there in clear, once per place.
    expect(gzipped.toString('latin1').split(ANSWER)).toHaveLength(4);
    expect(gzipped.includes(Buffer.from(RENDERED))).toBe(false);
  });

  it('compresses about as well as the whole body would', async () => {
    const whole = gzipSync(Buffer.from(html(ANSWER)), { level: 6 }).length;
    // Three nonces stored (5 bytes of block header each) on top; without the earlier parts as each part's
    // dictionary the second copy of the rows would cost as much as the first.
    expect((await cut()).gzip(Buffer.from(ANSWER)).length).toBeLessThan(whole + 3 * (ANSWER.length + 5) + 64);
  });

  it('is gzipped whole when the answer’s nonce has another length, or the body holds NUL', async () => {
    const longer = `${ANSWER}xyz`;
    const other = (await cut()).gzip(Buffer.from(longer));
    expect(gunzipSync(other).toString()).toBe(html(longer));
    expect(other.includes(Buffer.from(longer))).toBe(false);

    const withNul = `${html(RENDERED)}\u0000`;
    const spliced = (await SplicedBody.cut(Buffer.from(withNul), Buffer.from(RENDERED))).gzip(Buffer.from(ANSWER));
    expect(gunzipSync(spliced).toString()).toBe(withNul.replaceAll(RENDERED, ANSWER));
  });

  it('splices a text longer than one stored block can hold, and a body without the text at all', async () => {
    const gap = 'g'.repeat(70_000);
    const body = await SplicedBody.cut(Buffer.from(`<p>a</p>${gap}<p>b</p>`), Buffer.from(gap));
    const other = 'h'.repeat(70_000);
    expect(gunzipSync(body.gzip(Buffer.from(other))).toString()).toBe(`<p>a</p>${other}<p>b</p>`);

    const plain = await SplicedBody.cut(Buffer.from('<p>no nonce here</p>'), Buffer.from(RENDERED));
    expect(gunzipSync(plain.gzip(Buffer.from(ANSWER))).toString()).toBe('<p>no nonce here</p>');
  });
});
