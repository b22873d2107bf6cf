// server/faro.js — same-origin collector for the browser: POST /faro → Alloy faro.receiver.
// Mount BEFORE any body parser (express.json() would consume and re-size the body).
import http from 'node:http';
import express from 'express';
import rateLimit from 'express-rate-limit';

const enabled = process.env.FARO_ENABLED === 'true' && process.env.FARO_PROXY_ENABLED !== 'false';
const upstream = new URL(process.env.FARO_UPSTREAM_URL ?? 'http://alloy:12347/collect');
const apiKey = process.env.FARO_API_KEY; // server-side only
const MAX_BYTES = 1024 * 1024;
const TIMEOUT_MS = 5000;
const FORWARDED = ['content-type', 'content-encoding', 'x-faro-session-id', 'traceparent'];
const agent = new http.Agent({ keepAlive: true });

export const faroRouter = express.Router();
faroRouter.use('/faro', rateLimit({ windowMs: 1000, limit: 20 })); // 429 + Retry-After per client

faroRouter.all('/faro', (req, res) => {
  if (!enabled) return res.sendStatus(404);
  if (req.method !== 'POST') return res.set('allow', 'POST').sendStatus(405);
  if (!/^application\/json\s*(;|$)/i.test(req.get('content-type') ?? '')) return res.sendStatus(415);
  if (Number(req.get('content-length') ?? 0) > MAX_BYTES) return res.sendStatus(413);

  const chunks = [];
  let size = 0;
  req.on('data', (chunk) => {
    size += chunk.length; // bytes actually streamed: a chunked body has no Content-Length
    if (size <= MAX_BYTES) return chunks.push(chunk);
    req.pause(); // stop reading; nothing is forwarded
    res.set('connection', 'close').sendStatus(413);
    res.on('finish', () => req.destroy());
  });
  req.on('end', () => {
    if (res.headersSent) return;
    const body = Buffer.concat(chunks);
    const headers = { 'content-length': body.length };
    for (const name of FORWARDED) if (req.headers[name]) headers[name] = req.headers[name];
    headers['x-forwarded-for'] = [req.headers['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', ');
    if (apiKey) headers['x-api-key'] = apiKey; // never cookies, never authorization
    const forward = http.request(
      upstream,
      { method: 'POST', headers, agent, signal: AbortSignal.timeout(TIMEOUT_MS) },
      (answer) => {
        for (const name of ['retry-after', 'x-faro-session-status', 'content-type']) {
          if (answer.headers[name]) res.set(name, answer.headers[name]);
        }
        res.status(answer.statusCode ?? 502);
        answer.pipe(res);
      },
    );
    forward.on('error', (error) => {
      if (!res.headersSent) res.sendStatus(error.name === 'AbortError' ? 504 : 502);
    });
    forward.end(body);
  });
});

// app.use(faroRouter);  then: app.use(express.json()) for the rest of the API
