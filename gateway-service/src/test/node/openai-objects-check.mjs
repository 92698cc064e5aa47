// Drives the gateway's affinity on Google's OpenAI-compatible object routes with the openai SDK (gateway-service
// README "Affinity", OpenAI-compatible side): files.create (purpose batch) → batches.create with input_file_id →
// batches.retrieve until completed → files.content of the output; files.retrieve/list/delete; another token sees
// nothing; a video created (JSON) then videos.retrieve until completed and videos.downloadContent. Ids go in paths
// percent-encoded (files%2Fabc), as this SDK sends them. Prints "OBJECT <id>" for each object, so the Java side can
// check which project served what. Usage: node openai-objects-check.mjs <gatewayBaseUrl> <token> <otherToken>
import OpenAI, { toFile, NotFoundError } from 'openai';
import { args, assert, check, finish, startWatchdog } from '../node-common/check.mjs';

const [baseUrl, token, otherToken] = args(3, 'usage: node openai-objects-check.mjs <gatewayBaseUrl> <clientToken> <otherClientToken>');
const watchdog = startWatchdog('openai-objects-check', 150);

const openai = new OpenAI({ apiKey: token, baseURL: baseUrl + '/v1beta/openai', maxRetries: 0 });
const other = new OpenAI({ apiKey: otherToken, baseURL: baseUrl + '/v1beta/openai', maxRetries: 0 });
let input;
let batch;

await check('files.create (purpose batch) + retrieve', async () => {
  const lines = [0, 1, 2].map(i => JSON.stringify({ custom_id: `sdk-${i}`, method: 'POST', url: '/v1/chat/completions',
    body: { model: 'gemini-3.8-flash', messages: [{ role: 'user', content: `SDK question ${i}` }] } })).join('\n') + '\n';
  input = await openai.files.create({ file: await toFile(Buffer.from(lines), 'requests.jsonl', { type: 'application/jsonl' }), purpose: 'batch' });
  console.log(`OBJECT ${input.id}`);
  assert(input.id.startsWith('files/'), JSON.stringify(input));
  const got = await openai.files.retrieve(input.id);
  assert(got.id === input.id, JSON.stringify(got));
});

await check('batches.create with input_file_id, retrieve until completed, files.content of the output', async () => {
  batch = await openai.batches.create({ input_file_id: input.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
  console.log(`OBJECT ${batch.id}`);
  for (let i = 0; i < 10 && batch.status !== 'completed'; i++) batch = await openai.batches.retrieve(batch.id);
  assert(batch.status === 'completed', `status ${batch.status}`);
  assert(batch.output_file_id, JSON.stringify(batch));
  console.log(`OBJECT ${batch.output_file_id}`);
  const text = await (await openai.files.content(batch.output_file_id)).text();
  const rows = text.trim().split('\n').map(l => JSON.parse(l));
  assert(rows.length === 3, text);
  assert(rows.every(r => r.response.status_code === 200), text);
  assert(rows.map(r => r.custom_id).sort().join(',') === 'sdk-0,sdk-1,sdk-2', text);
});

await check('files.list and batches.list show the caller\'s objects only', async () => {
  const own = [];
  for await (const f of openai.files.list()) { own.push(f.id); if (own.length > 500) break; }
  assert(own.includes(input.id) && own.includes(batch.output_file_id), own.join(','));
  const theirs = [];
  for await (const f of other.files.list()) theirs.push(f.id);
  assert(!theirs.includes(input.id), 'another token lists ' + theirs.join(','));
  const batches = [];
  for await (const b of openai.batches.list({ limit: 1 })) { batches.push(b.id); if (batches.length > 500) break; }
  assert(batches.includes(batch.id), batches.join(','));
});

await check('another token cannot read the file or the batch (404, OpenAI error shape)', async () => {
  for (const call of [() => other.files.retrieve(input.id), () => other.batches.retrieve(batch.id)]) {
    try {
      await call();
    } catch (e) {
      assert(e instanceof NotFoundError, `got ${e}`);
      assert(e.error && /not known to this pool/.test(e.error.message), JSON.stringify(e.error));
      continue;
    }
    throw new Error('another token read an object');
  }
});

await check('a video: created, videos.retrieve until completed, videos.downloadContent', async () => {
  const r = await fetch(baseUrl + '/v1beta/openai/videos', { method: 'POST', headers: { Authorization: `Bearer ${token}`,
    'Content-Type': 'application/json' }, body: JSON.stringify({ model: 'veo-3.1-generate-preview', prompt: 'waves on a pier' }) });
  if (r.status !== 200) throw new Error(`create answered ${r.status}: ${await r.text()}`);
  let video = await r.json();
  console.log(`OBJECT ${video.id}`);
  for (let i = 0; i < 10 && video.status !== 'completed'; i++) video = await openai.videos.retrieve(video.id);
  assert(video.status === 'completed', `status ${video.status}`);
  const bytes = await (await openai.videos.downloadContent(video.id)).text();
  assert(bytes.includes('waves on a pier'), bytes);
});

await check('files.delete, then the file is gone for the pool', async () => {
  const d = await openai.files.delete(input.id);
  assert(d.deleted === true, JSON.stringify(d));
  try {
    await openai.files.retrieve(input.id);
  } catch (e) {
    assert(e instanceof NotFoundError, `got ${e}`);
    return;
  }
  throw new Error('a deleted file was still readable');
});

finish(watchdog);
