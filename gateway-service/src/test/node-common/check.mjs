// The frame every Node check shares (the gateway's SDK, objects, Live, doors and client-recipe checks, and the
// gemini-simulator's SDK check): its arguments, a watchdog, named checks that count and print "ok"/"FAIL", and the
// closing "N passed, N failed" line with the exit code the Java side asserts (0 only when every check passed).
// Plain ESM without dependencies, imported by relative path, so each check folder's own `npm ci` is all it needs.
//
//   const [baseUrl, token] = args(2, 'usage: node my-check.mjs <gatewayBaseUrl> <clientToken>');
//   const watchdog = startWatchdog('my-check', 100);
//   await check('a call', async () => { assert(ok, 'why'); });
//   finish(watchdog);

let failures = 0;
let passed = 0;

/** The script's arguments; exits 2 with `usage` when one of the first `required` is missing or empty. */
export function args(required, usage) {
  const all = process.argv.slice(2);
  for (let i = 0; i < required; i++) {
    if (!all[i]) {
      console.error(usage);
      process.exit(2);
    }
  }
  return all;
}

/** Exits 3 after `seconds`, so a hung SDK call fails the check instead of the test's own timeout. */
export function startWatchdog(name, seconds) {
  return setTimeout(() => { console.error(`FAIL: ${name} took longer than ${seconds} s`); process.exit(3); },
    seconds * 1000);
}

export function assert(cond, msg) { if (!cond) throw new Error(msg); }

/** Runs one named check; a throw is a failure (printed with its stack), never the end of the script. */
export async function check(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok   ${name}`);
  } catch (e) {
    failures++;
    console.log(`FAIL ${name}: ${e && e.stack ? e.stack : e}`);
  }
}

/** Stops the watchdog, prints "[<label>: ]N passed, N failed" and exits 0 only when no check failed. */
export function finish(watchdog, label) {
  clearTimeout(watchdog);
  console.log(`${label ? label + ': ' : ''}${passed} passed, ${failures} failed`);
  process.exit(failures === 0 ? 0 : 1);
}
