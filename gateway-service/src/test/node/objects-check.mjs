// Drives the gateway's pass-through and affinity with @google/genai (gateway-service README "Affinity"): a 30 MB
// files.upload (resumable, 8 MiB chunks), generateContent with that file three times, files.get/list/delete,
// caches.create + three generateContent calls with cachedContent, batches.create inline polled to done,
// interactions.create plain, chained (previous_interaction_id) and streamed. Prints "OBJECT <name>" for each object it
// created, so the Java side can check which project served what. Usage: node objects-check.mjs <gatewayBaseUrl> <token>
import { GoogleGenAI, ApiError } from '@google/genai';
import { args, assert, check, finish, startWatchdog } from '../node-common/check.mjs';

const [baseUrl, token, otherToken] = args(2, 'usage: node objects-check.mjs <gatewayBaseUrl> <clientToken> [otherClientToken]');
const watchdog = startWatchdog('objects-check', 150);

const ai = new GoogleGenAI({ apiKey: token, httpOptions: { baseUrl } });
let uploaded;

await check('files.upload (30 MB, resumable) + get', async () => {
  const bytes = new Uint8Array(30 * 1024 * 1024);
  for (let i = 0; i < bytes.length; i += 4096) bytes[i] = i % 251;
  uploaded = await ai.files.upload({ file: new Blob([bytes], { type: 'application/pdf' }), config: { displayName: 'big.pdf' } });
  console.log(`OBJECT ${uploaded.name}`);
  assert(uploaded.sizeBytes === String(bytes.length), `size ${uploaded.sizeBytes}`);
  const got = await ai.files.get({ name: uploaded.name });
  assert(got.displayName === 'big.pdf', JSON.stringify(got));
});

await check('generateContent with the uploaded file, three times', async () => {
  for (let i = 0; i < 3; i++) {
    const r = await ai.models.generateContent({ model: 'gemini-3.8-flash', contents: [{ role: 'user', parts: [
      { text: 'Summarise the file ' + i }, { fileData: { fileUri: uploaded.uri, mimeType: uploaded.mimeType } }] }] });
    assert(r.text.includes('Summarise the file'), r.text);
  }
});

await check('files.list shows the caller\'s files only', async () => {
  const names = [];
  for await (const f of await ai.files.list({ config: { pageSize: 10 } })) { names.push(f.name); if (names.length > 200) break; }
  assert(names.includes(uploaded.name), names.join(','));
  if (otherToken) {
    const other = new GoogleGenAI({ apiKey: otherToken, httpOptions: { baseUrl } });
    const theirs = [];
    for await (const f of await other.files.list({ config: { pageSize: 10 } })) theirs.push(f.name);
    assert(!theirs.includes(uploaded.name), 'another token lists ' + theirs.join(','));
  }
});

await check('caches.create + three generateContent calls with cachedContent', async () => {
  const cache = await ai.caches.create({ model: 'gemini-3.8-flash', config: { contents: 'A long shared context. '.repeat(300), ttl: '600s' } });
  console.log(`OBJECT ${cache.name}`);
  for (let i = 0; i < 3; i++) {
    const r = await ai.models.generateContent({ model: 'gemini-3.8-flash', contents: 'Use the cache ' + i, config: { cachedContent: cache.name } });
    assert(r.usageMetadata.cachedContentTokenCount > 0, JSON.stringify(r.usageMetadata));
  }
  const got = await ai.caches.get({ name: cache.name });
  assert(got.name === cache.name, JSON.stringify(got));
  await ai.caches.update({ name: cache.name, config: { ttl: '1200s' } });
  await ai.caches.delete({ name: cache.name });
});

await check('batches.create inline, polled to done', async () => {
  let job = await ai.batches.create({ model: 'gemini-3.8-flash', src: [
    { contents: [{ role: 'user', parts: [{ text: 'batch one' }] }] },
    { contents: [{ role: 'user', parts: [{ text: 'batch two' }] }] }], config: { displayName: 'sdk batch' } });
  console.log(`OBJECT ${job.name}`);
  for (let i = 0; i < 6 && job.state !== 'JOB_STATE_SUCCEEDED'; i++) job = await ai.batches.get({ name: job.name });
  assert(job.state === 'JOB_STATE_SUCCEEDED', `state ${job.state}`);
  const responses = job.dest.inlinedResponses;
  assert(responses.length === 2 && responses[1].response.candidates[0].content.parts[0].text.includes('batch two'),
    JSON.stringify(job.dest));
});

await check('interactions.create (plain, chained on the same project, streamed)', async () => {
  const first = await ai.interactions.create({ model: 'gemini-3.8-flash', input: 'Hello interactions' });
  console.log(`OBJECT interactions/${first.id}`);
  assert(first.status === 'completed', `status ${first.status}`);
  const second = await ai.interactions.create({ model: 'gemini-3.8-flash', input: 'Again', previous_interaction_id: first.id });
  console.log(`OBJECT interactions/${second.id}`);
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

await check('files.delete, then the file is gone for the pool', async () => {
  await ai.files.delete({ name: uploaded.name });
  try {
    await ai.files.get({ name: uploaded.name });
  } catch (e) {
    assert(e instanceof ApiError && e.status === 404, `got ${e}`);
    return;
  }
  throw new Error('a deleted file was still readable');
});

finish(watchdog);
