// Drives the gateway with the official SDKs a user would point at it, and fails (exit 1) when a call does not pass
// through. Usage: node sdk-check.mjs <gatewayBaseUrl> <clientToken>
// Expects the built-in routes with keys in the flash-lite and embedding pools.
import { GoogleGenAI, ApiError } from '@google/genai';
import OpenAI from 'openai';
import { args, assert, check, finish, startWatchdog } from '../node-common/check.mjs';

const [baseUrl, token] = args(2, 'usage: node sdk-check.mjs <gatewayBaseUrl> <clientToken>');
const watchdog = startWatchdog('sdk-check', 100);

const openai = new OpenAI({ apiKey: token, baseURL: baseUrl + '/v1', maxRetries: 0 });
const ai = new GoogleGenAI({ apiKey: token, httpOptions: { baseUrl } });

await check('openai chat.completions (non-stream)', async () => {
  const r = await openai.chat.completions.create({ model: 'flash_lite_pool', messages: [{ role: 'user', content: 'Hello via openai' }] });
  assert(r.choices[0].message.content.length > 0, JSON.stringify(r));
  assert(r.usage && r.usage.prompt_tokens > 0, 'usage: ' + JSON.stringify(r.usage));
});

await check('openai chat.completions (stream, include_usage)', async () => {
  const stream = await openai.chat.completions.create({ model: 'flash_lite_pool', stream: true,
    stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'Stream via openai' }] });
  let text = '';
  let n = 0;
  let usage = null;
  for await (const chunk of stream) {
    n++;
    text += chunk.choices[0]?.delta?.content ?? '';
    if (chunk.usage) usage = chunk.usage;
  }
  assert(n >= 2, `chunks: ${n}`);
  assert(text.length > 0, 'text');
  assert(usage && usage.completion_tokens > 0, 'usage: ' + JSON.stringify(usage));
});

await check('openai embeddings', async () => {
  const r = await openai.embeddings.create({ model: 'text-embedding-3-small', input: ['one', 'two'] });
  assert(r.data.length === 2 && r.data[0].embedding.length > 0, JSON.stringify(r).slice(0, 200));
});

await check('openai models.list (with the route alias)', async () => {
  const ids = [];
  for await (const m of openai.models.list()) ids.push(m.id);
  assert(ids.includes('flash_lite_pool'), ids.join(','));
  assert(ids.some(id => id.includes('gemini-3.1-flash-lite')), ids.join(','));
});

await check('openai bad token → AuthenticationError', async () => {
  const bad = new OpenAI({ apiKey: 'not-a-client-token', baseURL: baseUrl + '/v1', maxRetries: 0 });
  try {
    await bad.chat.completions.create({ model: 'flash_lite_pool', messages: [{ role: 'user', content: 'x' }] });
    assert(false, 'no error');
  } catch (e) {
    assert(e instanceof OpenAI.AuthenticationError, `got ${e && e.constructor && e.constructor.name}: ${e}`);
  }
});

await check('genai generateContent', async () => {
  const r = await ai.models.generateContent({ model: 'flash_lite_pool', contents: 'Hello from genai' });
  assert(typeof r.text === 'string' && r.text.length > 0, `text: ${r.text}`);
  assert(r.usageMetadata && r.usageMetadata.promptTokenCount > 0, JSON.stringify(r.usageMetadata));
});

await check('genai generateContentStream', async () => {
  const stream = await ai.models.generateContentStream({ model: 'gemini-3.1-flash-lite', contents: 'Stream from genai' });
  let n = 0;
  let text = '';
  let last;
  for await (const chunk of stream) {
    n++;
    text += chunk.text ?? '';
    last = chunk;
  }
  assert(n >= 2, `chunks: ${n}`);
  assert(text.length > 0, 'text');
  assert(last.candidates[0].finishReason === 'STOP', 'finishReason on the last chunk');
});

await check('genai embedContent', async () => {
  const r = await ai.models.embedContent({ model: 'gemini-embedding-001', contents: ['one', 'two'], config: { outputDimensionality: 8 } });
  assert(r.embeddings.length === 2 && r.embeddings[0].values.length === 8, JSON.stringify(r).slice(0, 200));
});

await check('genai countTokens', async () => {
  const r = await ai.models.countTokens({ model: 'gemini-3.1-flash-lite', contents: 'count these tokens' });
  assert(r.totalTokens > 0, JSON.stringify(r));
});

await check('genai models.list (paginated, with the route alias)', async () => {
  const pager = await ai.models.list({ config: { pageSize: 5 } });
  const names = [];
  for await (const m of pager) {
    names.push(m.name);
    if (names.length > 300) break;
  }
  assert(names.includes('models/flash_lite_pool'), names.join(','));
  assert(names.includes('models/gemini-embedding-001'), 'pager followed nextPageToken: ' + names.join(','));
});

await check('genai bad token → ApiError 401', async () => {
  const bad = new GoogleGenAI({ apiKey: 'not-a-client-token', httpOptions: { baseUrl } });
  try {
    await bad.models.generateContent({ model: 'flash_lite_pool', contents: 'x' });
    assert(false, 'no error');
  } catch (e) {
    assert(e instanceof ApiError && e.status === 401, `got ${e}`);
  }
});

finish(watchdog);
