// The official OpenAI Node SDK against the ASP.NET sample: what a Node developer does first (models, chat, streaming
// with usage, tools, structured output, images and audio, embeddings) and what goes wrong (errors as the SDK's typed errors, no retry of a
// 4xx, invalid Unicode). Usage: GEMMA4_BASE_URL=http://127.0.0.1:5080/v1 GEMMA4_API_KEY=... node check.mjs [results.json]
// Prints "ok - NAME" or "not ok - NAME: reason" per check and exits 1 if any failed.
import { writeFileSync } from 'node:fs';
import OpenAI from 'openai';

const baseURL = process.env.GEMMA4_BASE_URL;
const apiKey = process.env.GEMMA4_API_KEY ?? 'unused';
if (!baseURL) {
  console.error('Set GEMMA4_BASE_URL, e.g. http://127.0.0.1:5080/v1');
  process.exit(2);
}

// Every HTTP request the SDK makes, so a check can tell that a 4xx was sent once and not retried.
let requests = 0;
const countingFetch = (url, init) => {
  requests++;
  return fetch(url, init);
};

const client = new OpenAI({ baseURL, apiKey, fetch: countingFetch, timeout: 120_000 }); // SDK default: maxRetries 2
const chatModel = 'gemma4-tiny-test';
const embeddingModel = 'gemma-embedding-tiny-test';
const user = (content) => [{ role: 'user', content }];
const results = [];

function assert(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

async function check(name, body) {
  try {
    await body();
    results.push({ name, ok: true });
    console.log(`ok - ${name}`);
  } catch (error) {
    const reason = error?.stack ?? String(error);
    results.push({ name, ok: false, reason });
    console.log(`not ok - ${name}: ${reason}`);
  }
}

/** Runs a request that must fail with `status` as the SDK's typed error, sent exactly once; returns the error. */
async function expectError(status, errorClass, request) {
  const before = requests;
  let caught;
  try {
    await request();
  } catch (error) {
    caught = error;
  }

  assert(caught !== undefined, `expected HTTP ${status}, but the request succeeded`);
  assert(caught instanceof errorClass, `expected ${errorClass.name}, got ${caught?.constructor?.name}: ${caught?.message}`);
  assert(caught.status === status, `expected status ${status}, got ${caught.status}`);
  assert(typeof caught.error?.message === 'string' && caught.error.message.length > 0, `no error object: ${JSON.stringify(caught.error)}`);
  assert(requests - before === 1, `sent ${requests - before} times (the SDK retries 5xx; a 4xx must not be retried)`);
  return caught;
}

async function expectInvalidUnicode(param, request) {
  const error = await expectError(400, OpenAI.BadRequestError, request);
  assert(error.error.type === 'invalid_request_error', `type ${error.error.type}`);
  assert(error.param === param, `param ${error.param}, expected ${param}`);
}

const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city.',
    parameters: { type: 'object', properties: { city: { type: 'string', maxLength: 12 } }, required: ['city'] },
  },
};

await check('models.list', async () => {
  const ids = [];
  for await (const model of client.models.list()) {
    ids.push(model.id);
  }
  assert(ids.includes(chatModel) && ids.includes(embeddingModel), `ids: ${ids}`);
});

await check('models.retrieve', async () => {
  const model = await client.models.retrieve(chatModel);
  assert(model.id === chatModel && model.object === 'model', JSON.stringify(model));
});

await check('models.retrieve unknown model: 404 NotFoundError model_not_found', async () => {
  const error = await expectError(404, OpenAI.NotFoundError, () => client.models.retrieve('gpt-4o'));
  assert(error.code === 'model_not_found', `code ${error.code}`);
});

await check('chat.completions.create', async () => {
  const completion = await client.chat.completions.create({ model: chatModel, messages: user('Hello!'), max_tokens: 5, seed: 1 });
  const choice = completion.choices[0];
  assert(completion.object === 'chat.completion' && typeof choice.message.content === 'string', JSON.stringify(completion));
  assert(choice.finish_reason === 'length' && completion.usage.completion_tokens === 5, JSON.stringify(completion));
  assert(completion.usage.prompt_tokens > 0 && completion.usage.total_tokens === completion.usage.prompt_tokens + 5, JSON.stringify(completion.usage));
});

await check('chat streaming with stream_options.include_usage', async () => {
  const stream = await client.chat.completions.create({
    model: chatModel, messages: user('Tell me a story.'), max_tokens: 6, seed: 2, stream: true, stream_options: { include_usage: true },
  });
  const chunks = [];
  for await (const chunk of stream) {
    chunks.push(chunk);
  }
  const text = chunks.flatMap((c) => c.choices.map((ch) => ch.delta?.content ?? '')).join('');
  const last = chunks.at(-1);
  assert(chunks[0].choices[0].delta.role === 'assistant', 'the first delta carries the role');
  assert(text.length > 0, 'no text streamed');
  assert(chunks.some((c) => c.choices[0]?.finish_reason === 'length'), 'no finish_reason length');
  assert(last.choices.length === 0 && last.usage?.completion_tokens === 6, `last chunk: ${JSON.stringify(last)}`);
  assert(new Set(chunks.map((c) => c.id)).size === 1, 'chunks of one completion share one id');
});

await check('chat streaming: a bad request throws before the stream starts, sent once', async () => {
  await expectError(400, OpenAI.BadRequestError, () =>
    client.chat.completions.create({ model: chatModel, messages: user('x'), stream: true, tools: [{ ...weatherTool, function: { ...weatherTool.function, name: 'get weather' } }] }));
});

await check('chat tools: tool_choice required returns tool_calls', async () => {
  const completion = await client.chat.completions.create({
    model: chatModel, messages: user('Weather in Oslo?'), tools: [weatherTool], tool_choice: 'required', parallel_tool_calls: false, max_tokens: 60, seed: 3,
  });
  const choice = completion.choices[0];
  assert(choice.finish_reason === 'tool_calls', `finish_reason ${choice.finish_reason}`);
  const call = choice.message.tool_calls?.[0];
  assert(call?.type === 'function' && call.function.name === 'get_weather' && call.id, JSON.stringify(choice.message));
  assert(typeof JSON.parse(call.function.arguments).city === 'string', call.function.arguments);

  // The call and its result go back as history, as an agent loop sends them.
  const next = await client.chat.completions.create({
    model: chatModel, max_tokens: 4, seed: 3, tools: [weatherTool],
    messages: [...user('Weather in Oslo?'), choice.message, { role: 'tool', tool_call_id: call.id, content: '{"sky":"clear"}' }],
  });
  assert(typeof next.choices[0].message.content === 'string', JSON.stringify(next.choices[0]));
});

await check('chat response_format json_schema', async () => {
  const completion = await client.chat.completions.create({
    model: chatModel, messages: user('A city and its population?'), max_tokens: 200, seed: 4,
    response_format: {
      type: 'json_schema',
      json_schema: {
        name: 'city', strict: true,
        schema: {
          type: 'object', additionalProperties: false, required: ['name', 'population'],
          properties: { name: { type: 'string', maxLength: 12 }, population: { type: 'integer', minimum: 0, maximum: 99999 } },
        },
      },
    },
  });
  const answer = JSON.parse(completion.choices[0].message.content);
  assert(typeof answer.name === 'string' && Number.isInteger(answer.population), JSON.stringify(answer));
});

// Images and audio (the --demo server loads a projector with both encoders).
const onePixelPng = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

/** A WAV file of `seconds` of a 440 Hz tone, 16 kHz mono 16-bit, as base64. */
function toneWav(seconds) {
  const samples = Math.round(16000 * seconds);
  const wav = Buffer.alloc(44 + samples * 2);
  wav.write('RIFF', 0);
  wav.writeUInt32LE(36 + samples * 2, 4);
  wav.write('WAVEfmt ', 8);
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20);
  wav.writeUInt16LE(1, 22);
  wav.writeUInt32LE(16000, 24);
  wav.writeUInt32LE(32000, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36);
  wav.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++) {
    wav.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 16000)), 44 + i * 2);
  }
  return wav.toString('base64');
}

const promptTokens = async (content) =>
  (await client.chat.completions.create({ model: chatModel, messages: user(content), max_tokens: 1, seed: 5 })).usage.prompt_tokens;

await check('chat image_url with a data: URI', async () => {
  const text = await promptTokens([{ type: 'text', text: 'What is this?' }]);
  const image = await promptTokens([
    { type: 'text', text: 'What is this?' },
    { type: 'image_url', image_url: { url: `data:image/png;base64,${onePixelPng}`, detail: 'low' } },
  ]);
  assert(image - text >= 40 + 2, `an image adds at least 40 tokens and its two markers: ${text} -> ${image}`);
});

await check('chat input_audio wav', async () => {
  const text = await promptTokens([{ type: 'text', text: 'What is this?' }]);
  const audio = await promptTokens([{ type: 'text', text: 'What is this?' }, { type: 'input_audio', input_audio: { data: toneWav(1), format: 'wav' } }]);
  assert(audio - text === 25 + 2, `a second of audio is 25 tokens and two markers: ${text} -> ${audio}`);
});

await check('errors: a corrupt image is a 400 naming the field, sent once', async () => {
  const error = await expectError(400, OpenAI.BadRequestError, () => client.chat.completions.create({
    model: chatModel, max_tokens: 1,
    messages: user([{ type: 'text', text: 'Look:' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${onePixelPng.slice(0, 40)}` } }]),
  }));
  assert(error.param === 'messages[0].content[1].image_url.url' && error.type === 'invalid_request_error', JSON.stringify(error.error));
});

await check('errors: a remote image URL is refused (Server:AllowRemoteMedia is off)', async () => {
  const error = await expectError(400, OpenAI.BadRequestError, () => client.chat.completions.create({
    model: chatModel, max_tokens: 1, messages: user([{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }]),
  }));
  assert(error.param === 'messages[0].content[0].image_url.url' && error.code === 'invalid_image_url', JSON.stringify(error.error));
});

await check('embeddings.create (the SDK asks for base64)', async () => {
  const response = await client.embeddings.create({ model: embeddingModel, input: ['The first text.', 'A second text.'] });
  assert(response.data.length === 2 && response.data.every((d, i) => d.index === i && d.embedding.length === 128), JSON.stringify(response.data.map((d) => d.embedding.length)));
  const norm = Math.hypot(...response.data[0].embedding);
  assert(Math.abs(norm - 1) < 1e-3, `norm ${norm}`);
  assert(response.usage.prompt_tokens > 0, JSON.stringify(response.usage));
});

await check('embeddings.create float with dimensions', async () => {
  const response = await client.embeddings.create({ model: embeddingModel, input: 'hello', encoding_format: 'float', dimensions: 32 });
  assert(response.data[0].embedding.length === 32, `length ${response.data[0].embedding.length}`);
});

await check('errors: 400 BadRequestError with param, sent once', async () => {
  const error = await expectError(400, OpenAI.BadRequestError, () => client.chat.completions.create({ model: chatModel, messages: user('x'), n: 2 }));
  assert(error.param === 'n' && error.type === 'invalid_request_error', JSON.stringify(error.error));
});

await check('errors: context_length_exceeded', async () => {
  const error = await expectError(400, OpenAI.BadRequestError, () =>
    client.chat.completions.create({ model: chatModel, messages: user('lorem ipsum dolor '.repeat(2500)) }));
  assert(error.code === 'context_length_exceeded', `code ${error.code}`);
});

await check('errors: empty embedding input is a 400', async () => {
  const error = await expectError(400, OpenAI.BadRequestError, () => client.embeddings.create({ model: embeddingModel, input: '' }));
  assert(error.param === 'input', `param ${error.param}`);
});

await check('errors: 401 AuthenticationError for a wrong key, sent once', async () => {
  const wrong = new OpenAI({ baseURL, apiKey: 'wrong-key', fetch: countingFetch });
  const error = await expectError(401, OpenAI.AuthenticationError, () => wrong.models.list());
  assert(error.code === 'invalid_api_key', `code ${error.code}`);
});

await check('errors: 404 for an unknown URL with an error object', async () => {
  await expectError(404, OpenAI.NotFoundError, () => client.get('/completions'));
});

await check('errors: 405 for a wrong method with an error object', async () => {
  await expectError(405, OpenAI.APIError, () => client.delete('/models'));
});

await check('invalid Unicode: message content', () =>
  expectInvalidUnicode('messages[0].content', () => client.chat.completions.create({ model: chatModel, messages: user('broken \ud800 text') })));

await check('invalid Unicode: text part', () =>
  expectInvalidUnicode('messages[0].content[0].text', () =>
    client.chat.completions.create({ model: chatModel, messages: user([{ type: 'text', text: '\udc00' }]) })));

await check('invalid Unicode: tool result', () =>
  expectInvalidUnicode('messages[2].content', () => client.chat.completions.create({
    model: chatModel,
    messages: [
      ...user('Weather?'),
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] },
      { role: 'tool', tool_call_id: 'c1', content: 'sunny \ud83d' },
    ],
  })));

await check('invalid Unicode: stop', () =>
  expectInvalidUnicode('stop[0]', () => client.chat.completions.create({ model: chatModel, messages: user('x'), stop: ['\ud800'] })));

await check('invalid Unicode: tool_choice name', () =>
  expectInvalidUnicode('tool_choice.function.name', () => client.chat.completions.create({
    model: chatModel, messages: user('x'), tools: [weatherTool], tool_choice: { type: 'function', function: { name: 'get_weather\ud800' } },
  })));

await check('invalid Unicode: JSON schema key and enum', async () => {
  await expectInvalidUnicode('response_format.json_schema.schema.properties', () => client.chat.completions.create({
    model: chatModel, messages: user('x'),
    response_format: { type: 'json_schema', json_schema: { name: 'r', schema: { type: 'object', properties: { 'k\ud800': { type: 'string' } } } } },
  }));
  await expectInvalidUnicode('tools[0].function.parameters.properties.city.enum[1]', () => client.chat.completions.create({
    model: chatModel, messages: user('x'),
    tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: { city: { enum: ['Oslo', '\udfff'] } } } } }],
  }));
});

await check('invalid Unicode: embeddings input', () =>
  expectInvalidUnicode('input[1]', () => client.embeddings.create({ model: embeddingModel, input: ['fine', '\ud800'] })));

const failed = results.filter((r) => !r.ok).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
if (process.argv[2]) {
  writeFileSync(process.argv[2], JSON.stringify(results, null, 2));
}
process.exit(failed === 0 ? 0 : 1);
