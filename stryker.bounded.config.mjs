// The bounded CI run (scripts/mutants.sh --bounded): the rate limiter, with the tests that
// exercise it, the fastest first (a mutant stops at its first failing test file).
import base from './stryker.config.mjs';

export default {
	...base,
	mutate: ['js-wrapper/nodes/Instagram/transport/rateLimiter.ts'],
	tap: { testFiles: ['.tmp/build/tests/node/rateLimiter.test.js', '.tmp/build/tests/node/sending.test.js'] },
};
