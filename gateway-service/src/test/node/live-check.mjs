// Drives the gateway's Live API with the official @google/genai SDK (ai.live.connect) and fails (exit 1) when a
// check does not pass. Usage: node live-check.mjs <gatewayBaseUrl> <clientToken> <liveModelOrAlias>
import { GoogleGenAI, Modality } from '@google/genai';
import { args, assert, check, finish, startWatchdog } from '../node-common/check.mjs';

const [baseUrl, token, model] = args(3, 'usage: node live-check.mjs <gatewayBaseUrl> <clientToken> <liveModelOrAlias>');
const watchdog = startWatchdog('live-check', 100);

/** A live session whose messages are queued; next(pred) waits (bounded) for the first message matching pred. */
async function connect(ai, config) {
  const queue = [];
  const waiters = [];
  let closed = null;
  const session = await ai.live.connect({
    model,
    config,
    callbacks: {
      onmessage: (m) => {
        queue.push(m);
        for (const w of waiters.splice(0)) w();
      },
      onerror: (e) => { closed = closed || { code: -1, reason: String(e && e.message) }; for (const w of waiters.splice(0)) w(); },
      onclose: (e) => { closed = closed || { code: e.code, reason: e.reason }; for (const w of waiters.splice(0)) w(); },
    },
  });
  async function next(pred, what) {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const i = queue.findIndex(pred);
      if (i >= 0) return queue.splice(0, i + 1)[i];
      if (closed) throw new Error(`closed (${closed.code} ${closed.reason}) while waiting for ${what}`);
      if (Date.now() > deadline) throw new Error(`no ${what} within 20 s`);
      await new Promise((r) => { waiters.push(r); setTimeout(r, 500); });
    }
  }
  async function turn(text) {
    session.sendClientContent({ turns: [{ role: 'user', parts: [{ text }] }], turnComplete: true });
    let reply = '';
    for (;;) {
      const m = await next((x) => x.serverContent || x.usageMetadata, 'a reply');
      for (const p of m.serverContent?.modelTurn?.parts ?? []) reply += p.text ?? '';
      if (m.usageMetadata) return { reply, usage: m.usageMetadata };
    }
  }
  return { session, next, turn, closed: () => closed };
}

const ai = new GoogleGenAI({ apiKey: token, httpOptions: { baseUrl } });

await check('live.connect: text in, text out, with usageMetadata', async () => {
  const s = await connect(ai, { responseModalities: [Modality.TEXT] });
  const { reply, usage } = await s.turn('Hello live through the pool');
  assert(reply.includes('Hello live through the pool'), `reply: ${reply}`);
  assert(usage.promptTokenCount > 0 && usage.responseTokenCount > 0, JSON.stringify(usage));
  s.session.close();
});

await check('live.connect: realtimeInput audio chunk echoed', async () => {
  const s = await connect(ai, { responseModalities: [Modality.AUDIO] });
  const pcm = Buffer.alloc(3200);
  for (let i = 0; i < pcm.length; i++) pcm[i] = (i * 7) & 0xff;
  const data = pcm.toString('base64');
  s.session.sendRealtimeInput({ audio: { data, mimeType: 'audio/pcm;rate=16000' } });
  const m = await s.next((x) => x.serverContent?.modelTurn?.parts?.some((p) => p.inlineData), 'the audio echo');
  const part = m.serverContent.modelTurn.parts.find((p) => p.inlineData);
  assert(part.inlineData.data === data, 'echoed audio differs');
  await s.next((x) => x.usageMetadata, 'usage of the audio');
  s.session.close();
});

await check('live.connect: a resumed session keeps its history (same project)', async () => {
  const s = await connect(ai, { responseModalities: [Modality.TEXT], sessionResumption: {} });
  await s.turn('remember the word albatross');
  const u = await s.next((x) => x.sessionResumptionUpdate?.newHandle, 'a resumption handle');
  const handle = u.sessionResumptionUpdate.newHandle;
  s.session.close();
  const r = await connect(ai, { responseModalities: [Modality.TEXT], sessionResumption: { handle } });
  const { usage } = await r.turn('which word?');
  // Google (and the simulator) refuse another project's handle; the history is part of the prompt
  assert(usage.promptTokenCount > 10, `history lost: ${JSON.stringify(usage)}`);
  r.session.close();
});

await check('authTokens.create through the pool, then live.connect with the ephemeral token', async () => {
  const alpha = new GoogleGenAI({ apiKey: token, httpOptions: { baseUrl, apiVersion: 'v1alpha' } });
  const t = await alpha.authTokens.create({ config: { uses: 1 } });
  assert(t.name && t.name.startsWith('auth_tokens/'), JSON.stringify(t));
  const eph = new GoogleGenAI({ apiKey: t.name, httpOptions: { baseUrl, apiVersion: 'v1alpha' } });
  const s = await connect(eph, { responseModalities: [Modality.TEXT] });
  const { reply } = await s.turn('hello with an ephemeral token');
  assert(reply.includes('hello with an ephemeral token'), `reply: ${reply}`);
  s.session.close();
});

finish(watchdog);
