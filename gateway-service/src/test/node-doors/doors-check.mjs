// Drives the gateway's two translated front doors with the official clients a user would point at it, and fails
// (exit 1) when a call does not pass through: the OpenAI Responses API (openai, @ai-sdk/openai's default provider)
// and the Anthropic Messages API (@anthropic-ai/sdk, and a request shaped like Claude Code's).
// Usage: node doors-check.mjs <gatewayBaseUrl> <clientToken>
// Expects the built-in routes with keys in the flash-lite, flash and pro pools; the simulator's Gemini 3 models sign
// their function calls and refuse a second turn without the signature, as Google does.
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, streamText } from 'ai';
import { args, assert, check, finish, startWatchdog } from '../node-common/check.mjs';

const [baseUrl, token] = args(2, 'usage: node doors-check.mjs <gatewayBaseUrl> <clientToken>');
const watchdog = startWatchdog('doors-check', 130);

const openai = new OpenAI({ apiKey: token, baseURL: baseUrl + '/v1', maxRetries: 0 });
const anthropic = new Anthropic({ apiKey: token, baseURL: baseUrl, maxRetries: 0 });

const weatherTool = {
  type: 'function', name: 'get_weather', description: 'Current weather of a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
};

// ---------------------------------------------------------------- OpenAI Responses (official openai SDK)

await check('openai responses.create (plain)', async () => {
  const r = await openai.responses.create({ model: 'flash_lite_pool', instructions: 'Be brief.', input: 'Hello via responses' });
  assert(r.object === 'response' && r.id.startsWith('resp_'), JSON.stringify(r).slice(0, 300));
  assert(r.status === 'completed', 'status ' + r.status);
  assert(r.output_text.includes('Hello via responses'), 'output_text: ' + r.output_text);
  assert(r.usage.input_tokens > 0 && r.usage.output_tokens > 0 && r.usage.total_tokens > 0, JSON.stringify(r.usage));
});

await check('openai responses.create (stream: Responses event sequence)', async () => {
  const stream = await openai.responses.create({ model: 'flash_lite_pool', input: 'Stream via responses', stream: true });
  const types = [];
  let text = '';
  let completed = null;
  let seq = -1;
  for await (const ev of stream) {
    types.push(ev.type);
    assert(ev.sequence_number === seq + 1, `sequence ${ev.sequence_number} after ${seq}`);
    seq = ev.sequence_number;
    if (ev.type === 'response.output_text.delta') text += ev.delta;
    if (ev.type === 'response.completed') completed = ev.response;
  }
  for (const t of ['response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added',
    'response.output_text.delta', 'response.output_text.done', 'response.content_part.done', 'response.output_item.done',
    'response.completed']) {
    assert(types.includes(t), `missing ${t} in ${types.join(',')}`);
  }
  assert(types[0] === 'response.created' && types[types.length - 1] === 'response.completed', types.join(','));
  assert(text.includes('Stream via responses'), 'text: ' + text);
  assert(completed.usage.output_tokens > 0, JSON.stringify(completed.usage));
  assert(completed.output[0].content[0].text === text, 'completed text differs');
});

await check('openai responses: function-call round trip (items sent back, signature in call_id)', async () => {
  const first = await openai.responses.create({ model: 'flash_lite_pool', input: 'Please call get_weather for Paris',
    tools: [weatherTool], store: false });
  const call = first.output.find(o => o.type === 'function_call');
  assert(call && call.name === 'get_weather', JSON.stringify(first.output));
  assert(JSON.parse(call.arguments).city === 'simulated', call.arguments);
  const second = await openai.responses.create({ model: 'flash_lite_pool', tools: [weatherTool], store: false,
    input: [{ role: 'user', content: 'Please call get_weather for Paris' }, ...first.output,
      { type: 'function_call_output', call_id: call.call_id, output: '{"temperature": 21}' }] });
  assert(second.output_text.length > 0 && !second.output.some(o => o.type === 'function_call'), JSON.stringify(second.output));
});

await check('openai responses: second turns with previous_response_id (+ retrieve)', async () => {
  const first = await openai.responses.create({ model: 'flash_lite_pool', input: 'Please call get_weather for Rome',
    tools: [weatherTool] });
  const call = first.output.find(o => o.type === 'function_call');
  assert(call, JSON.stringify(first.output));
  const second = await openai.responses.create({ model: 'flash_lite_pool', previous_response_id: first.id,
    tools: [weatherTool], input: [{ type: 'function_call_output', call_id: call.call_id, output: 'sunny' }] });
  assert(second.previous_response_id === first.id && second.output_text.length > 0, JSON.stringify(second).slice(0, 300));
  const third = await openai.responses.create({ model: 'flash_lite_pool', previous_response_id: second.id,
    input: 'And tomorrow?' });
  assert(third.output_text.includes('And tomorrow?'), third.output_text);
  const again = await openai.responses.retrieve(second.id);
  assert(again.id === second.id && again.output_text === second.output_text, JSON.stringify(again).slice(0, 300));
});

await check('openai responses: errors in OpenAI shape (unknown previous_response_id → 404)', async () => {
  try {
    await openai.responses.create({ model: 'flash_lite_pool', previous_response_id: 'resp_doesnotexist', input: 'x' });
    throw new Error('no error');
  } catch (e) {
    assert(e instanceof OpenAI.APIError && e.status === 404, String(e));
    assert(e.error && e.error.type === 'not_found_error', JSON.stringify(e.error));
  }
});

await check('openai responses: text.format json_schema and reasoning.effort', async () => {
  const r = await openai.responses.create({ model: 'flash_lite_pool', input: 'structured please',
    reasoning: { effort: 'low', summary: 'auto' },
    text: { format: { type: 'json_schema', name: 'answer', schema: { type: 'object', properties: { a: { type: 'string' } } } } } });
  assert(r.status === 'completed' && r.text.format.type === 'json_schema', JSON.stringify(r).slice(0, 300));
});

// ---------------------------------------------------------------- @ai-sdk/openai's default provider (→ /v1/responses)

await check('@ai-sdk/openai openai(model) generateText and streamText', async () => {
  const provider = createOpenAI({ apiKey: token, baseURL: baseUrl + '/v1' });
  const r = await generateText({ model: provider('flash_lite_pool'), prompt: 'Hello via ai-sdk', maxRetries: 0 });
  assert(r.text.includes('Hello via ai-sdk'), 'text: ' + r.text);
  assert(r.usage.inputTokens > 0, JSON.stringify(r.usage));
  const s = streamText({ model: provider('flash_lite_pool'), prompt: 'Stream via ai-sdk', maxRetries: 0 });
  let text = '';
  for await (const t of s.textStream) text += t;
  assert(text.includes('Stream via ai-sdk'), 'stream text: ' + text);
});

// ---------------------------------------------------------------- Anthropic Messages (official @anthropic-ai/sdk)

await check('anthropic messages.create (plain)', async () => {
  const m = await anthropic.messages.create({ model: 'claude-haiku-4-5', max_tokens: 512, system: 'Be brief.',
    messages: [{ role: 'user', content: 'Hello via anthropic' }] });
  assert(m.type === 'message' && m.role === 'assistant' && m.model === 'claude-haiku-4-5', JSON.stringify(m).slice(0, 300));
  assert(m.content[0].type === 'text' && m.content[0].text.includes('Hello via anthropic'), JSON.stringify(m.content));
  assert(m.stop_reason === 'end_turn', m.stop_reason);
  assert(m.usage.input_tokens > 0 && m.usage.output_tokens > 0, JSON.stringify(m.usage));
});

await check('anthropic messages.create (stream: Anthropic event sequence)', async () => {
  const stream = await anthropic.messages.create({ model: 'claude-haiku-4-5', max_tokens: 512, stream: true,
    messages: [{ role: 'user', content: 'Stream via anthropic' }] });
  const types = [];
  let text = '';
  let usage = null;
  for await (const ev of stream) {
    types.push(ev.type);
    if (ev.type === 'content_block_delta' && ev.delta.type === 'text_delta') text += ev.delta.text;
    if (ev.type === 'message_delta') usage = ev.usage;
  }
  assert(types[0] === 'message_start' && types[types.length - 1] === 'message_stop', types.join(','));
  // (the SDK swallows ping events; the raw check below sees them)
  for (const t of ['content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta']) {
    assert(types.includes(t), `missing ${t} in ${types.join(',')}`);
  }
  assert(text.includes('Stream via anthropic'), 'text: ' + text);
  assert(usage && usage.output_tokens > 0, JSON.stringify(usage));
});

const anthropicWeather = { name: 'get_weather', description: 'Current weather of a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };

await check('anthropic tool-use round trip (Gemini 3 thought signature survives the second turn)', async () => {
  const question = { role: 'user', content: 'Please call get_weather for Oslo' };
  const first = await anthropic.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 1024, tools: [anthropicWeather],
    messages: [question] });
  const use = first.content.find(b => b.type === 'tool_use');
  assert(first.stop_reason === 'tool_use' && use && use.name === 'get_weather', JSON.stringify(first.content));
  const result = { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: 'cold, 2 °C' }] };
  const second = await anthropic.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 1024, tools: [anthropicWeather],
    messages: [question, { role: 'assistant', content: first.content }, result] });
  assert(second.stop_reason === 'end_turn' && second.content.some(b => b.type === 'text'), JSON.stringify(second.content));
  // The same second turn with the signature stripped from the id is refused by "Google" (proof the check is real),
  // and the refusal arrives in Anthropic's error shape.
  const bare = use.id.split('_s')[0];
  try {
    await anthropic.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 1024, tools: [anthropicWeather],
      messages: [question, { role: 'assistant', content: [{ ...use, id: bare }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: bare, content: 'cold' }] }] });
    throw new Error('a second turn without the signature was accepted');
  } catch (e) {
    assert(e instanceof Anthropic.APIError && e.status === 400, String(e));
    assert(e.error && e.error.type === 'error' && e.error.error.type === 'invalid_request_error', JSON.stringify(e.error));
    assert(e.error.error.message.includes('thought_signature'), e.error.error.message);
  }
});

await check('anthropic thinking (thought summaries as thinking blocks; streamed)', async () => {
  const m = await anthropic.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 4000,
    thinking: { type: 'enabled', budget_tokens: 1024 }, messages: [{ role: 'user', content: 'Think about this' }] });
  const thinking = m.content.find(b => b.type === 'thinking');
  assert(thinking && thinking.thinking.length > 0 && typeof thinking.signature === 'string', JSON.stringify(m.content));
  assert(m.content.some(b => b.type === 'text'), JSON.stringify(m.content));
  const final = await anthropic.messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 4000,
    thinking: { type: 'enabled', budget_tokens: 1024 }, messages: [{ role: 'user', content: 'Think while streaming' }] })
    .finalMessage();
  assert(final.content[0].type === 'thinking' && final.content.some(b => b.type === 'text'), JSON.stringify(final.content));
});

await check('anthropic messages.countTokens', async () => {
  const r = await anthropic.messages.countTokens({ model: 'claude-haiku-4-5', system: 'You count.',
    messages: [{ role: 'user', content: 'How many tokens is this?' }] });
  assert(r.input_tokens > 0, JSON.stringify(r));
});

await check('a request shaped like Claude Code\'s (long system prompt, many tools, metadata, stream)', async () => {
  const system = [
    { type: 'text', text: "You are Claude Code, Anthropic's official CLI for Claude." , cache_control: { type: 'ephemeral' } },
    { type: 'text', text: ('You are an interactive CLI tool that helps users with software engineering tasks. '
      + 'Use the instructions below and the tools available to you to assist the user. ').repeat(120),
      cache_control: { type: 'ephemeral' } },
  ];
  const names = ['Task', 'Bash', 'Glob', 'Grep', 'LS', 'ExitPlanMode', 'Read', 'Edit', 'MultiEdit', 'Write',
    'NotebookEdit', 'WebFetch', 'TodoWrite', 'WebSearch', 'BashOutput', 'KillShell'];
  const tools = names.map(n => ({ name: n, description: `The ${n} tool. `.repeat(20),
    input_schema: { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', additionalProperties: false,
      properties: { path: { type: 'string', description: 'a path' }, options: { type: 'object', properties: {
        recursive: { type: 'boolean' } } }, items: { type: 'array', items: { type: 'string' } } }, required: ['path'] } }));
  const stream = await anthropic.messages.create({
    model: 'claude-sonnet-4-5-20250929', max_tokens: 32000, stream: true, temperature: 1, system, tools,
    metadata: { user_id: 'user_abc123_account__session_0f6e1c1a' },
    messages: [{ role: 'user', content: [
      { type: 'text', text: '<system-reminder>\nAs you answer the user\'s questions, you can use the following context.\n</system-reminder>' },
      { type: 'text', text: 'hello from a coding agent', cache_control: { type: 'ephemeral' } }] }],
  }, { headers: { 'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14' } });
  let text = '';
  const types = [];
  let stop = null;
  for await (const ev of stream) {
    types.push(ev.type);
    if (ev.type === 'content_block_delta' && ev.delta.type === 'text_delta') text += ev.delta.text;
    if (ev.type === 'message_delta') stop = ev.delta.stop_reason;
  }
  // The simulator quotes the start of the latest user message: here the system-reminder block.
  assert(text.startsWith('Simulated reply to "<system-reminder>'), 'text: ' + text + ' events ' + types.join(','));
  assert(stop === 'end_turn' && types[types.length - 1] === 'message_stop', stop + ' ' + types.join(','));
});

await check('anthropic stream on the wire (raw fetch: event names, ping, Bearer token, anthropic-version)', async () => {
  const res = await fetch(baseUrl + '/v1/messages', { method: 'POST', headers: { 'content-type': 'application/json',
    authorization: 'Bearer ' + token, 'anthropic-version': '2023-06-01' },
  body: JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 256, stream: true,
    messages: [{ role: 'user', content: 'raw stream' }] }) });
  assert(res.status === 200 && res.headers.get('content-type').startsWith('text/event-stream'), res.status);
  const body = await res.text();
  const names = [...body.matchAll(/^event: (.+)$/gm)].map(m => m[1]);
  assert(names[0] === 'message_start' && names[1] === 'ping' && names.at(-2) === 'message_delta'
    && names.at(-1) === 'message_stop', names.join(','));
});

await check('anthropic errors in Anthropic shape (wrong x-api-key → 401 authentication_error)', async () => {
  const bad = new Anthropic({ apiKey: 'not-a-client-token', baseURL: baseUrl, maxRetries: 0 });
  try {
    await bad.messages.create({ model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] });
    throw new Error('no error');
  } catch (e) {
    assert(e instanceof Anthropic.APIError && e.status === 401, String(e));
    assert(e.error && e.error.type === 'error' && e.error.error.type === 'authentication_error', JSON.stringify(e.error));
  }
});

finish(watchdog);
