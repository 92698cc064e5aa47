// Drives the gemini-simulator with the official SDKs a user of the gateway would use, and fails (exit 1) when an
// SDK cannot parse an answer or an error. Usage: node sdk-check.mjs <baseUrl> <validKey>
// The key must be VALID with default quotas for gemini-3.8-flash, gemini-embedding-001; gemini-3.1-flash-image keeps
// its default 0/0 free-tier limits so that it answers 429.
import { GoogleGenAI, ApiError } from '@google/genai';
import OpenAI from 'openai';
import { args, assert, check, finish, startWatchdog } from '../../../../gateway-service/src/test/node-common/check.mjs';

const [baseUrl, key] = args(2, 'usage: node sdk-check.mjs <baseUrl> <validKey>');
const watchdog = startWatchdog('sdk-check', 90);
async function admin(path, body) {
  const r = await fetch(baseUrl + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert(r.status === 204, `admin ${path} answered ${r.status}`);
}
// A fake key nobody added: "AIza" + 35 characters.
const unknownKey = 'AIza' + 'Z'.repeat(20) + 'sdkcheckunknown';

const ai = new GoogleGenAI({ apiKey: key, httpOptions: { baseUrl } });
const badAi = new GoogleGenAI({ apiKey: unknownKey, httpOptions: { baseUrl } });
const openai = new OpenAI({ apiKey: key, baseURL: baseUrl + '/v1beta/openai/', maxRetries: 0 });

await check('genai generateContent', async () => {
  const r = await ai.models.generateContent({ model: 'gemini-3.8-flash', contents: 'Hello from the SDK' });
  assert(typeof r.text === 'string' && r.text.includes('Hello from the SDK'), `text: ${r.text}`);
  const u = r.usageMetadata;
  assert(u.totalTokenCount === u.promptTokenCount + u.candidatesTokenCount + (u.thoughtsTokenCount ?? 0), JSON.stringify(u));
  assert(r.candidates[0].finishReason === 'STOP', r.candidates[0].finishReason);
});

await check('genai generateContentStream', async () => {
  const stream = await ai.models.generateContentStream({ model: 'gemini-3.8-flash', contents: 'Stream this please' });
  let text = '';
  let n = 0;
  let last;
  for await (const chunk of stream) {
    n++;
    text += chunk.text ?? '';
    assert(chunk.usageMetadata && chunk.usageMetadata.promptTokenCount > 0, 'usageMetadata in every chunk');
    last = chunk;
  }
  assert(n >= 2, `chunks: ${n}`);
  assert(text.includes('Stream this please'), text);
  assert(last.candidates[0].finishReason === 'STOP', 'finishReason on the last chunk');
});

await check('genai embedContent', async () => {
  const r = await ai.models.embedContent({ model: 'gemini-embedding-001', contents: ['one', 'two'], config: { outputDimensionality: 16 } });
  assert(r.embeddings.length === 2, `embeddings: ${r.embeddings.length}`);
  assert(r.embeddings[0].values.length === 16, `dims: ${r.embeddings[0].values.length}`);
});

await check('genai models.list (paginated)', async () => {
  const pager = await ai.models.list({ config: { pageSize: 4 } });
  const names = [];
  for await (const m of pager) {
    names.push(m.name);
    if (names.length > 200) break;
  }
  assert(names.includes('models/gemini-3.8-flash'), names.join(','));
  assert(names.includes('models/gemini-embedding-001'), 'the pager followed nextPageToken: ' + names.join(','));
  assert(new Set(names).size === names.length, 'no duplicates');
});

await check('genai invalid key -> ApiError 400', async () => {
  try {
    await badAi.models.generateContent({ model: 'gemini-3.8-flash', contents: 'x' });
  } catch (e) {
    assert(e instanceof ApiError, `not an ApiError: ${e}`);
    assert(e.status === 400, `status ${e.status}`);
    assert(String(e.message).includes('API key not valid'), e.message);
    return;
  }
  throw new Error('no error raised');
});

await check('genai unknown model -> ApiError 404', async () => {
  try {
    await ai.models.generateContent({ model: 'gemini-0-nothing', contents: 'x' });
  } catch (e) {
    assert(e instanceof ApiError && e.status === 404, `got ${e}`);
    return;
  }
  throw new Error('no error raised');
});

await check('genai mid-stream error -> ApiError 503', async () => {
  await admin('/_sim/fail-mid-stream', { count: 1 });
  const stream = await ai.models.generateContentStream({ model: 'gemini-3.8-flash', contents: 'Stream until it breaks' });
  let n = 0;
  try {
    for await (const chunk of stream) {
      n++;
      if (n > 1000) break;
    }
  } catch (e) {
    // js-genai finds the raw error object only when it arrives in a network read of its own; when a loaded machine
    // hands it over together with the previous event, the SDK raises its own "Incomplete JSON segment" error
    // instead (the same happens against Google). Either way the caller sees the stream fail, never a clean end.
    if (!(e instanceof ApiError)) {
      assert(String(e.message).includes('Incomplete JSON segment'), `unexpected error: ${e}`);
      assert(n >= 1, 'some chunks arrived first');
      return;
    }
    assert(e.status === 503, `status ${e.status}`);
    assert(n >= 1, 'some chunks arrived first');
    return;
  }
  throw new Error(`stream ended without error after ${n} chunks`);
});

async function put(path, body) {
  const r = await fetch(baseUrl + path, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert(r.status === 204, `admin ${path} answered ${r.status}`);
}

// ---- project objects (gemini-api-2026.md §4-§8): the SDKs' own upload, cache, batch, interaction and video code paths
let uploaded;
await check('genai files.upload (resumable, two 8 MiB chunks) + get + list', async () => {
  const bytes = new Uint8Array(9 * 1024 * 1024);
  for (let i = 0; i < bytes.length; i += 4096) bytes[i] = i % 251;
  uploaded = await ai.files.upload({ file: new Blob([bytes], { type: 'application/pdf' }), config: { displayName: 'sdk.pdf' } });
  assert(/^files\/[a-z0-9]{12}$/.test(uploaded.name), `name ${uploaded.name}`);
  assert(uploaded.sizeBytes === String(bytes.length), `size ${uploaded.sizeBytes}`);
  assert(uploaded.state === 'ACTIVE', `state ${uploaded.state}`);
  const got = await ai.files.get({ name: uploaded.name });
  assert(got.displayName === 'sdk.pdf', JSON.stringify(got));
  const names = [];
  for await (const f of await ai.files.list({ config: { pageSize: 10 } })) { names.push(f.name); if (names.length > 50) break; }
  assert(names.includes(uploaded.name), names.join(','));
});

await check('genai generateContent with the uploaded file', async () => {
  const r = await ai.models.generateContent({ model: 'gemini-3.8-flash', contents: [{ role: 'user', parts: [
    { text: 'Summarise the file' }, { fileData: { fileUri: uploaded.uri, mimeType: uploaded.mimeType } }] }] });
  assert(r.text.includes('Summarise the file'), r.text);
});

await check('genai caches.create + generateContent with cachedContent', async () => {
  await put('/_sim/object-settings', { cacheMinTokens: 1 });
  const cache = await ai.caches.create({ model: 'gemini-3.8-flash', config: { contents: 'A long shared context. '.repeat(20), ttl: '600s' } });
  assert(/^cachedContents\//.test(cache.name), cache.name);
  const r = await ai.models.generateContent({ model: 'gemini-3.8-flash', contents: 'Use the cache', config: { cachedContent: cache.name } });
  assert(r.usageMetadata.cachedContentTokenCount === cache.usageMetadata.totalTokenCount, JSON.stringify(r.usageMetadata));
  await ai.caches.delete({ name: cache.name });
});

await check('genai batches.create inline, polled to done', async () => {
  let job = await ai.batches.create({ model: 'gemini-3.8-flash', src: [
    { contents: [{ role: 'user', parts: [{ text: 'batch one' }] }] },
    { contents: [{ role: 'user', parts: [{ text: 'batch two' }] }] }], config: { displayName: 'sdk batch' } });
  assert(job.state === 'JOB_STATE_PENDING', `state ${job.state}`);
  for (let i = 0; i < 5 && job.state !== 'JOB_STATE_SUCCEEDED'; i++) job = await ai.batches.get({ name: job.name });
  assert(job.state === 'JOB_STATE_SUCCEEDED', `state ${job.state}`);
  const responses = job.dest.inlinedResponses;
  assert(responses.length === 2 && responses[1].response.candidates[0].content.parts[0].text.includes('batch two'),
    JSON.stringify(job.dest));
});

await check('genai interactions.create (plain, chained, streamed)', async () => {
  const first = await ai.interactions.create({ model: 'gemini-3.8-flash', input: 'Hello interactions' });
  assert(first.status === 'completed', `status ${first.status}`);
  assert(first.output_text && first.output_text.includes('Hello interactions'), JSON.stringify(first));
  const second = await ai.interactions.create({ model: 'gemini-3.8-flash', input: 'Again', previous_interaction_id: first.id });
  assert(second.previous_interaction_id === first.id, JSON.stringify(second));
  const stream = await ai.interactions.create({ model: 'gemini-3.8-flash', input: 'Stream interactions', stream: true });
  const types = [];
  let text = '';
  for await (const ev of stream) {
    types.push(ev.event_type);
    if (ev.event_type === 'step.delta') text += ev.delta.text;
    if (types.length > 500) break;
  }
  assert(types[0] === 'interaction.created' && types.at(-1) === 'interaction.completed', types.join(','));
  assert(text.includes('Stream interactions'), text);
});

await check('genai generateVideos (Veo long-running operation) polled to done', async () => {
  await put('/_sim/projects/sdk-project/tier', { tier: 'PAID' });
  let op = await ai.models.generateVideos({ model: 'veo-3.1-generate-preview', prompt: 'a cat surfing' });
  for (let i = 0; i < 5 && !op.done; i++) op = await ai.operations.getVideosOperation({ operation: op });
  await put('/_sim/projects/sdk-project/tier', { tier: 'FREE' });
  assert(op.done, 'done');
  const uri = op.response.generatedVideos[0].video.uri;
  assert(uri.includes('/v1beta/files/') && uri.endsWith(':download?alt=media'), uri);
});

await check('genai files.delete', async () => {
  await ai.files.delete({ name: uploaded.name });
  try {
    await ai.files.get({ name: uploaded.name });
  } catch (e) {
    assert(e instanceof ApiError && e.status === 403, `got ${e}`);
    return;
  }
  throw new Error('a deleted file was still readable');
});

await check('openai chat.completions (non-stream)', async () => {
  const c = await openai.chat.completions.create({ model: 'gemini-3.8-flash', messages: [{ role: 'user', content: 'Hi OpenAI' }] });
  assert(c.choices[0].message.role === 'assistant', JSON.stringify(c.choices[0]));
  assert(c.choices[0].message.content.includes('Hi OpenAI'), c.choices[0].message.content);
  assert(c.choices[0].finish_reason === 'stop', c.choices[0].finish_reason);
  assert(c.usage.total_tokens >= c.usage.prompt_tokens + c.usage.completion_tokens, JSON.stringify(c.usage));
});

await check('openai chat.completions (stream, include_usage)', async () => {
  const s = await openai.chat.completions.create({
    model: 'gemini-3.8-flash', messages: [{ role: 'user', content: 'Stream OpenAI' }],
    stream: true, stream_options: { include_usage: true },
  });
  let text = '';
  let usage = null;
  let finish = null;
  let n = 0;
  for await (const ch of s) {
    n++;
    if (ch.choices[0]) {
      text += ch.choices[0].delta.content ?? '';
      finish = ch.choices[0].finish_reason ?? finish;
    }
    if (ch.usage) usage = ch.usage;
    if (n > 1000) break;
  }
  assert(text.includes('Stream OpenAI'), text);
  assert(finish === 'stop', `finish ${finish}`);
  assert(usage && usage.total_tokens > 0, `usage ${JSON.stringify(usage)}`);
});

await check('openai embeddings', async () => {
  const e = await openai.embeddings.create({ model: 'gemini-embedding-001', input: ['alpha', 'beta'] });
  assert(e.data.length === 2, `data ${e.data.length}`);
  assert(e.data[0].embedding.length === 3072, `dims ${e.data[0].embedding.length}`);
  assert(Math.abs(e.data[0].embedding.reduce((s, x) => s + x * x, 0) - 1) < 1e-3, 'unit vector');
  const f = await openai.embeddings.create({ model: 'gemini-embedding-001', input: 'gamma', dimensions: 8, encoding_format: 'float' });
  assert(f.data[0].embedding.length === 8, `dims ${f.data[0].embedding.length}`);
});

await check('openai models.list', async () => {
  const ids = [];
  for await (const m of openai.models.list()) {
    ids.push(m.id);
    if (ids.length > 500) break;
  }
  assert(ids.includes('models/gemini-3.8-flash'), ids.join(','));
});

await check('openai 429 -> RateLimitError', async () => {
  try {
    await openai.chat.completions.create({ model: 'gemini-3.1-flash-image', messages: [{ role: 'user', content: 'x' }] });
  } catch (e) {
    assert(e instanceof OpenAI.APIError, `not an APIError: ${e}`);
    assert(e.status === 429, `status ${e.status}`);
    assert(e instanceof OpenAI.RateLimitError, 'RateLimitError');
    return;
  }
  throw new Error('no error raised');
});

await check('openai invalid key -> 400', async () => {
  const bad = new OpenAI({ apiKey: unknownKey, baseURL: baseUrl + '/v1beta/openai/', maxRetries: 0 });
  try {
    await bad.chat.completions.create({ model: 'gemini-3.8-flash', messages: [{ role: 'user', content: 'x' }] });
  } catch (e) {
    assert(e instanceof OpenAI.BadRequestError && e.status === 400, `got ${e}`);
    return;
  }
  throw new Error('no error raised');
});

finish(watchdog);
