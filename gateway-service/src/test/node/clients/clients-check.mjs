// The recipes of docs/clients.md, run as their users run them, against the gateway (ClientRecipesTest starts it in
// front of the gemini-simulator). Exit 1 when a recipe fails.
// Usage: node clients-check.mjs <gatewayBaseUrl> <clientToken> <section> [<scratchDir>]
//   section: gemini-cli | ai-sdk | langchain | ccr
// Expects the built-in routes, keys in the shipped pools, and a legacy-project key serving gemini-2.5-flash.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { args, assert, check, finish, startWatchdog } from '../../node-common/check.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const BIN = join(HERE, 'node_modules', '.bin');
const [baseUrl, token, section, scratchArg] = args(3, 'usage: node clients-check.mjs <gatewayBaseUrl> <clientToken> <gemini-cli|ai-sdk|langchain|ccr> [scratchDir]');
const scratch = scratchArg || mkdtempSync(join(tmpdir(), 'gp-clients-'));
const watchdog = startWatchdog('clients-check', 240);

/** Runs a command with a bounded time; resolves { code, stdout, stderr }. */
function run(cmd, args, { env = {}, cwd = scratch, timeoutMs = 90_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', d => { stdout += d; });
    child.stderr.on('data', d => { stderr += d; });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`${cmd} timed out\n${stderr}`)); }, timeoutMs);
    child.on('error', e => { clearTimeout(timer); reject(e); });
    child.on('close', code => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

// ---------------------------------------------------------------------------------------------- gemini-cli
/** A HOME with the settings docs/clients.md gives (API-key auth, trusted workspace, no telemetry) and a workspace. */
function geminiCliHome() {
  const home = join(scratch, 'gemini-home');
  const work = join(scratch, 'gemini-work');
  mkdirSync(join(home, '.gemini'), { recursive: true });
  mkdirSync(work, { recursive: true });
  writeFileSync(join(home, '.gemini', 'settings.json'), JSON.stringify({
    security: { auth: { selectedType: 'gemini-api-key' } },
    telemetry: { enabled: false },
    privacy: { usageStatisticsEnabled: false },
  }, null, 2));
  writeFileSync(join(home, '.gemini', 'trustedFolders.json'), JSON.stringify({ [work]: 'TRUST_FOLDER' }));
  return { home, work };
}

async function geminiCli() {
  const { home, work } = geminiCliHome();
  const env = (key) => ({ HOME: home, GOOGLE_GEMINI_BASE_URL: baseUrl, GEMINI_API_KEY: key, NO_COLOR: '1',
    GEMINI_CLI_NO_RELAUNCH: 'true' });
  const gemini = join(BIN, 'gemini');

  await check('gemini-cli -p --output-format json on gemini-2.5-flash', async () => {
    const r = await run(gemini, ['-m', 'gemini-2.5-flash', '-p', 'Say hello through the pool', '--output-format', 'json'],
      { env: env(token), cwd: work });
    assert(r.code === 0, `exit ${r.code}\n${r.stdout}\n${r.stderr}`);
    const out = JSON.parse(r.stdout);
    assert(typeof out.response === 'string' && out.response.length > 0, r.stdout.slice(0, 500));
    assert(out.stats.models['gemini-2.5-flash'], 'stats name the model: ' + JSON.stringify(Object.keys(out.stats.models)));
    assert(out.stats.models['gemini-2.5-flash'].api.totalErrors === 0, JSON.stringify(out.stats.models));
  });

  await check('gemini-cli -p --output-format stream-json on gemini-2.5-flash', async () => {
    const r = await run(gemini, ['-m', 'gemini-2.5-flash', '-p', 'Stream through the pool', '--output-format',
      'stream-json'], { env: env(token), cwd: work });
    assert(r.code === 0, `exit ${r.code}\n${r.stdout}\n${r.stderr}`);
    const events = r.stdout.split('\n').filter(l => l.trim().startsWith('{')).map(l => JSON.parse(l));
    const deltas = events.filter(e => e.type === 'message' && e.role === 'assistant');
    assert(deltas.length >= 2, 'assistant deltas: ' + deltas.length + '\n' + r.stdout.slice(0, 800));
    assert(deltas.map(e => e.content).join('').length > 0, 'text');
    const result = events.find(e => e.type === 'result');
    assert(result && result.status === 'success', JSON.stringify(result));
    assert(result.stats.input_tokens > 0, 'usage: ' + JSON.stringify(result.stats));
  });

  await check('gemini-cli with a wrong client token fails with the gateway\'s 401', async () => {
    const r = await run(gemini, ['-m', 'gemini-2.5-flash', '-p', 'hi', '--output-format', 'json'],
      { env: env('not-a-client-token'), cwd: work });
    assert(r.code !== 0, `exit 0 with a wrong token:\n${r.stdout}`);
    assert(/401|UNAUTHENTICATED|client token/i.test(r.stdout + r.stderr), (r.stdout + r.stderr).slice(0, 800));
  });
}

// ---------------------------------------------------------------------------------------------- Vercel AI SDK
async function aiSdk() {
  const { generateText, streamText, embed } = await import('ai');
  const { createGoogleGenerativeAI } = await import('@ai-sdk/google');
  const { createOpenAICompatible } = await import('@ai-sdk/openai-compatible');
  const google = createGoogleGenerativeAI({ apiKey: token, baseURL: baseUrl + '/v1beta' });
  const compat = createOpenAICompatible({ name: 'gemini-pool', apiKey: token, baseURL: baseUrl + '/v1',
    includeUsage: true });

  await check('@ai-sdk/google generateText (gemini-2.5-flash)', async () => {
    const r = await generateText({ model: google('gemini-2.5-flash'), prompt: 'Hello via the AI SDK', maxRetries: 0 });
    assert(r.text.length > 0, JSON.stringify(r.response));
    assert(r.usage.inputTokens > 0, 'usage: ' + JSON.stringify(r.usage));
  });
  await check('@ai-sdk/google streamText with thinking (flash_lite_pool alias)', async () => {
    const r = streamText({ model: google('flash_lite_pool'), prompt: 'Stream via the AI SDK', maxRetries: 0,
      providerOptions: { google: { thinkingConfig: { includeThoughts: true, thinkingBudget: 1024 } } } });
    let text = '';
    for await (const part of r.textStream) text += part;
    assert(text.length > 0, 'text');
    assert((await r.usage).outputTokens > 0, 'usage');
  });
  await check('@ai-sdk/google embed (textEmbeddingModel)', async () => {
    const r = await embed({ model: google.textEmbeddingModel('gemini-embedding-001'), value: 'vector me', maxRetries: 0 });
    assert(Array.isArray(r.embedding) && r.embedding.length > 0, 'embedding');
  });
  await check('@ai-sdk/openai-compatible generateText + streamText', async () => {
    const r = await generateText({ model: compat('gemini-2.5-flash'), prompt: 'Hello via openai-compatible', maxRetries: 0 });
    assert(r.text.length > 0, 'text');
    const s = streamText({ model: compat('flash_lite_pool'), prompt: 'Stream via openai-compatible', maxRetries: 0 });
    let text = '';
    for await (const part of s.textStream) text += part;
    assert(text.length > 0, 'stream text');
    assert((await s.usage).inputTokens > 0, 'stream usage: ' + JSON.stringify(await s.usage));
  });
  await check('@ai-sdk/openai-compatible embed', async () => {
    const r = await embed({ model: compat.textEmbeddingModel('text-embedding-3-small'), value: 'vector me', maxRetries: 0 });
    assert(r.embedding.length > 0, 'embedding');
  });
  await check('@ai-sdk/google with a wrong token is an APICallError 401', async () => {
    const bad = createGoogleGenerativeAI({ apiKey: 'wrong', baseURL: baseUrl + '/v1beta' });
    try {
      await generateText({ model: bad('gemini-2.5-flash'), prompt: 'x', maxRetries: 0 });
    } catch (e) {
      assert(e.statusCode === 401 || (e.lastError && e.lastError.statusCode === 401), String(e));
      return;
    }
    throw new Error('no error');
  });
}

// ---------------------------------------------------------------------------------------------- LangChain.js
async function langchain() {
  const { ChatGoogleGenerativeAI, GoogleGenerativeAIEmbeddings } = await import('@langchain/google-genai');
  const chat = new ChatGoogleGenerativeAI({ model: 'gemini-2.5-flash', apiKey: token, baseUrl, maxRetries: 0 });

  await check('@langchain/google-genai invoke', async () => {
    const r = await chat.invoke('Hello via LangChain');
    assert(typeof r.content === 'string' ? r.content.length > 0 : r.content.length > 0, JSON.stringify(r.content));
    assert(r.usage_metadata && r.usage_metadata.input_tokens > 0, 'usage: ' + JSON.stringify(r.usage_metadata));
  });
  await check('@langchain/google-genai stream', async () => {
    let text = '';
    let n = 0;
    for await (const chunk of await chat.stream('Stream via LangChain')) {
      n++;
      text += typeof chunk.content === 'string' ? chunk.content : '';
    }
    assert(n >= 2 && text.length > 0, `chunks ${n}`);
  });
  await check('@langchain/google-genai embeddings (baseUrl)', async () => {
    const emb = new GoogleGenerativeAIEmbeddings({ model: 'gemini-embedding-001', apiKey: token, baseUrl, maxRetries: 0 });
    const one = await emb.embedQuery('vector me');
    assert(one.length > 0, 'embedQuery returned an empty vector (a failed call)');
    const many = await emb.embedDocuments(['one', 'two']);
    assert(many.length === 2 && many.every(v => v.length > 0), 'embedDocuments: ' + many.map(v => v.length));
  });
  await check('@langchain/google-genai embeddings fail silently: empty vectors with a wrong token', async () => {
    // docs/clients.md warns about this: check vector lengths, a failed call is not an exception.
    const emb = new GoogleGenerativeAIEmbeddings({ model: 'gemini-embedding-001', apiKey: 'wrong', baseUrl, maxRetries: 0 });
    let v;
    try {
      v = await emb.embedQuery('x');
    } catch (e) {
      return; // a future version that throws is the better behaviour
    }
    assert(Array.isArray(v) && v.length === 0, 'a wrong token gave a vector of ' + (v && v.length));
  });
}

// ---------------------------------------------------------------------------------------------- Claude Code Router
function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

async function waitFor(url, ms) {
  const until = Date.now() + ms;
  let last;
  while (Date.now() < until) {
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
      return r.status;
    } catch (e) {
      last = e;
      await new Promise(r => setTimeout(r, 250));
    }
  }
  throw new Error(`${url} did not answer within ${ms} ms: ${last}`);
}

/** The CCR config of docs/clients.md: both providers, CCR's route categories mapped onto the gateway's routes. */
export function ccrConfig(port, apiKey) {
  return {
    HOST: '127.0.0.1',
    PORT: port,
    APIKEY: apiKey,
    LOG: false,
    API_TIMEOUT_MS: 60000,
    Providers: [
      { name: 'pool', api_base_url: baseUrl + '/v1/chat/completions', api_key: token,
        models: ['gemini-2.5-flash', 'flash_lite_pool', 'expert', 'think', 'long-context', 'search'] },
      { name: 'pool-gemini', api_base_url: baseUrl + '/v1beta/models/', api_key: token,
        models: ['gemini-2.5-flash', 'flash_lite_pool'], transformer: { use: ['gemini'] } },
    ],
    Router: {
      default: 'pool,gemini-2.5-flash',
      background: 'pool,flash_lite_pool',
      think: 'pool,think',
      longContext: 'pool,long-context',
      longContextThreshold: 60000,
      webSearch: 'pool-gemini,gemini-2.5-flash',
    },
  };
}

async function ccr() {
  const home = join(scratch, 'ccr-home');
  mkdirSync(join(home, '.claude-code-router'), { recursive: true });
  const port = await freePort();
  const ccrKey = 'ccr-local-' + port;
  writeFileSync(join(home, '.claude-code-router', 'config.json'), JSON.stringify(ccrConfig(port, ccrKey), null, 2));
  const child = spawn(join(BIN, 'ccr'), ['start'], { cwd: scratch, env: { ...process.env, HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', d => { log += d; });
  child.stderr.on('data', d => { log += d; });
  const messages = async (body) => {
    const r = await fetch(`http://127.0.0.1:${port}/v1/messages`, { method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': ccrKey, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify(body), signal: AbortSignal.timeout(60_000) });
    return { status: r.status, text: await r.text() };
  };
  try {
    await waitFor(`http://127.0.0.1:${port}/`, 60_000);
    await check('CCR (OpenAI provider) answers an Anthropic /v1/messages request through the gateway', async () => {
      const r = await messages({ model: 'claude-sonnet-4-5', max_tokens: 4096,
        messages: [{ role: 'user', content: 'Hello through Claude Code Router' }] });
      assert(r.status === 200, `${r.status} ${r.text}\n${log}`);
      const m = JSON.parse(r.text);
      assert(m.type === 'message' && m.role === 'assistant', r.text);
      const text = m.content.filter(c => c.type === 'text').map(c => c.text).join('');
      assert(text.length > 0, r.text);
    });
    await check('CCR streams an Anthropic request (SSE message events)', async () => {
      const r = await messages({ model: 'claude-sonnet-4-5', max_tokens: 4096, stream: true,
        messages: [{ role: 'user', content: 'Stream through Claude Code Router' }] });
      assert(r.status === 200, `${r.status} ${r.text}`);
      assert(r.text.includes('event: message_start') && r.text.includes('content_block_delta'), r.text.slice(0, 800));
      assert(r.text.includes('message_stop'), r.text.slice(-400));
    });
    await check('CCR gemini-transformer provider (explicit provider,model)', async () => {
      const r = await messages({ model: 'pool-gemini,gemini-2.5-flash', max_tokens: 4096,
        messages: [{ role: 'user', content: 'Hello via the gemini transformer' }] });
      assert(r.status === 200, `${r.status} ${r.text}\n${log}`);
      const m = JSON.parse(r.text);
      assert(m.content.some(c => c.type === 'text' && c.text.length > 0), r.text);
    });
  } finally {
    child.kill('SIGTERM');
    await new Promise(r => setTimeout(r, 300));
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

const sections = { 'gemini-cli': geminiCli, 'ai-sdk': aiSdk, langchain, ccr };
if (!sections[section]) {
  console.error('unknown section ' + section);
  process.exit(2);
}
await sections[section]();
if (!scratchArg) rmSync(scratch, { recursive: true, force: true });
finish(watchdog, section);
